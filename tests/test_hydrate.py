"""``persistence/shared/hydrate.py``: the objects made from stored values are those the classes' own constructors
make, every field set; amounts are shared, equal to the ones they stand for."""

from __future__ import annotations

import dataclasses
from collections import namedtuple
from datetime import UTC, datetime

import pytest

from domain.events.model import Event, EventType
from domain.shared.actor import Role
from domain.shared.money import Money
from persistence.events import repository as events
from persistence.events.tables import EventRow
from persistence.shared.hydrate import hydrator, money
from persistence.shared.tables import table


def test_an_event_read_is_the_event_its_constructor_makes():
    columns = [column.key for column in table(EventRow).columns]
    row = namedtuple("row", columns)(
        id=7, type="CLAIM_SUBMITTED", occurred_at=datetime(2026, 12, 3, tzinfo=UTC), actor_role="BUYER",
        actor_id="b1", subject_type="Claim", subject_key="3", shop_id=2, buyer_id="b1", streamer_id=None,
        data='{"reason":"DAMAGED"}')
    made = events._event(row)
    expected = Event(EventType.CLAIM_SUBMITTED, row.occurred_at, Role.BUYER, "b1", "Claim", "3", 2, "b1", None,
                     {"reason": "DAMAGED"}, 7)
    assert made == expected and repr(made) == repr(expected)
    assert set(vars(made)) == {f.name for f in dataclasses.fields(Event)}  # every field, nothing else
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.actor_id = "someone else"  # type: ignore[misc]  # still frozen


def test_only_a_dataclass_whose_init_just_sets_its_fields_is_made_from_them():
    @dataclasses.dataclass
    class Checked:
        a: int

        def __post_init__(self):
            raise AssertionError("skipped by a hydrator")

    @dataclasses.dataclass(slots=True)
    class Slotted:
        a: int

    @dataclasses.dataclass
    class Derived:
        a: int
        b: int = dataclasses.field(init=False, default=0)

    for cls in (Checked, Slotted, Derived, int):
        with pytest.raises(TypeError):
            hydrator(cls)


def test_amounts_are_shared_and_equal_to_what_they_stand_for():
    assert money(1230) == Money(1230) and money(1230) is money(1230)
    assert [money(fen) for fen in (1, 2, 3, 4)] == [Money(1), Money(2), Money(3), Money(4)]
    kept = money.cache_info().maxsize  # type: ignore[attr-defined]
    assert [money(fen) for fen in range(kept + 10)] == [Money(fen) for fen in range(kept + 10)]
    assert money.cache_info().currsize <= kept  # type: ignore[attr-defined]  # bounded, not growing
