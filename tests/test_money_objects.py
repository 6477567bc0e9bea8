"""G1: the GraphQL ``Money`` of an amount is exact, and one shared object per amount (schema/common/money.py)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from domain.shared.money import Money as DomainMoney
from schema.common import money
from schema.common.money import CurrencyCode, Money
from schema.common.scalars import _serialize_decimal


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_an_amount_prints_its_fen_two_places_moved(fen):
    printed = _serialize_decimal(Money.of(DomainMoney(fen)).amount)
    whole, cents = divmod(abs(fen), 100)
    assert printed == f"{'-' if fen < 0 else ''}{whole}.{cents:02d}"
    assert Money.of(DomainMoney(fen)).currency is CurrencyCode.CNY


def test_one_object_per_amount_and_the_table_stays_bounded(monkeypatch):
    monkeypatch.setattr(money, "_BY_FEN", {})
    monkeypatch.setattr(money, "_KEPT", 3)
    first = Money.of(DomainMoney(1230))
    assert Money.of(DomainMoney(1230)) is first and first.amount == Decimal("12.30")
    assert Money.of(DomainMoney(1231)) is not first
    Money.of(DomainMoney(1)), Money.of(DomainMoney(2))
    assert len(money._BY_FEN) <= 3
    assert Money.of(DomainMoney(1230)).amount == Decimal("12.30")
