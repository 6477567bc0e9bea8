"""SPEC E11 on the in-memory unit of work: an owner changes its endpoint (the URL checked again as in E6), disables
and enables it with the reason kept, rotates its secret with an overlap in which both secrets sign; another owner
reads NOT_FOUND and nothing changes on a refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.events.model import EventType
from domain.shared.actor import Actor, Role
from domain.shared.clock import FixedClock
from domain.shared.errors import InvalidInput, NotFound
from domain.shops.model import Shop
from domain.webhooks import rules, services
from domain.webhooks.model import WebhookEndpoint
from domain.webhooks.ports import LiteralAddresses
from domain.webhooks.services import EndpointChanges, WebhookPolicy
from tests.fakes import FakeUnitOfWork

AT = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
PUBLIC = WebhookPolicy(allow_private=False, rotation_overlap=timedelta(hours=24))
URL = "https://93.184.216.34/hooks"


async def setup() -> tuple[FakeUnitOfWork, Actor, Actor, WebhookEndpoint]:
    uow = FakeUnitOfWork()
    async with uow:
        shop = await uow.shops.add(Shop(name="Fresh", created_at=AT))
        other = await uow.shops.add(Shop(name="Other", created_at=AT))
        await uow.commit()
    mine = Actor(user_id="m-1", role=Role.MERCHANT, shop_id=shop.id)
    theirs = Actor(user_id="m-2", role=Role.MERCHANT, shop_id=other.id)
    made, _secret = await services.create_endpoint(uow, mine, FixedClock(AT), LiteralAddresses(), PUBLIC, URL,
                                                   [EventType.ORDER_PLACED], None, False, "ERP")
    return uow, mine, theirs, made


async def stored(uow: FakeUnitOfWork, endpoint_id: int | None) -> WebhookEndpoint | None:
    async with uow(write=False):
        return await uow.webhooks.get(endpoint_id or 0)


async def test_e11_an_owner_changes_url_types_and_description_and_an_omitted_field_stays():
    uow, mine, _theirs, made = await setup()
    assert made.description == "ERP"
    changed = await services.update_endpoint(uow, mine, LiteralAddresses(), PUBLIC, made.id, EndpointChanges(
        url=" https://93.184.216.35/v2 ", event_types=[EventType.CLAIM_SUBMITTED, EventType.ORDER_PLACED]))
    assert (changed.url, changed.event_types, changed.description) == (
        "https://93.184.216.35/v2", frozenset({EventType.CLAIM_SUBMITTED, EventType.ORDER_PLACED}), "ERP")
    assert await stored(uow, made.id) == changed
    cleared = await services.update_endpoint(uow, mine, LiteralAddresses(), PUBLIC, made.id,
                                             EndpointChanges(description="  "))
    assert cleared.description is None and cleared.url == changed.url


@pytest.mark.parametrize(("changes", "error", "field"), [
    (EndpointChanges(url="https://10.0.0.1/hooks"), rules.UnsafeUrl, "url"),  # E6 again: a private address
    (EndpointChanges(url="http://93.184.216.34/"), rules.UnsafeUrl, "url"),
    (EndpointChanges(event_types=[]), InvalidInput, "eventTypes"),
    (EndpointChanges(description="x" * 501), InvalidInput, "description"),
])
async def test_e11_a_bad_change_is_refused_with_its_field_and_changes_nothing(changes, error, field):
    uow, mine, _theirs, made = await setup()
    with pytest.raises(error) as refused:
        await services.update_endpoint(uow, mine, LiteralAddresses(), PUBLIC, made.id, changes)
    assert refused.value.field == ("input", field)
    assert await stored(uow, made.id) == made


async def test_e11_another_owners_endpoint_reads_as_not_found_for_every_change():
    uow, _mine, theirs, made = await setup()
    with pytest.raises(NotFound):
        await services.update_endpoint(uow, theirs, LiteralAddresses(), PUBLIC, made.id, EndpointChanges(enabled=False))
    with pytest.raises(NotFound):
        await services.rotate_secret(uow, theirs, FixedClock(AT), PUBLIC, made.id)
    platform = Actor(user_id="ops", role=Role.PLATFORM)  # the platform's endpoints are its own, not a shop's
    with pytest.raises(NotFound):
        await services.rotate_secret(uow, platform, FixedClock(AT), PUBLIC, made.id)
    assert await stored(uow, made.id) == made


async def test_e11_disabling_records_the_owner_and_enabling_clears_the_reason():
    uow, mine, _theirs, made = await setup()
    off = await services.update_endpoint(uow, mine, LiteralAddresses(), PUBLIC, made.id,
                                         EndpointChanges(enabled=False))
    assert (off.enabled, off.disabled_reason) == (False, rules.DISABLED_BY_OWNER)
    still = await services.update_endpoint(uow, mine, LiteralAddresses(), PUBLIC, made.id,
                                           EndpointChanges(description="paused"))
    assert (still.enabled, still.disabled_reason) == (False, rules.DISABLED_BY_OWNER)
    on = await services.update_endpoint(uow, mine, LiteralAddresses(), PUBLIC, made.id,
                                        EndpointChanges(enabled=True))
    assert (on.enabled, on.disabled_reason) == (True, None)


def test_e11_a_reason_is_kept_while_disabled_and_only_then():
    assert rules.disabled_reason(True, None, False) == rules.DISABLED_BY_OWNER
    assert rules.disabled_reason(False, "failing for 72 hours", False) == "failing for 72 hours"
    assert rules.disabled_reason(False, "failing for 72 hours", True) is None
    assert rules.disabled_reason(True, None, True) is None


async def test_e11_a_rotation_signs_with_both_secrets_for_the_overlap_then_with_the_new_one():
    uow, mine, _theirs, made = await setup()
    clock = FixedClock(AT + timedelta(hours=1))
    rotated, secret = await services.rotate_secret(uow, mine, clock, PUBLIC, made.id)
    assert rules.valid_secret(secret) and secret != made.secret and rotated.secret == secret
    assert rotated.secret_rotated_at == clock.now()
    assert rotated.signing_secrets(clock.now()) == [secret, made.secret]
    assert rotated.signing_secrets(clock.now() + timedelta(hours=24) - timedelta(microseconds=1)) == [
        secret, made.secret]
    assert rotated.signing_secrets(clock.now() + timedelta(hours=24)) == [secret]
    clock.advance(hours=2)  # rotating again during the overlap: the oldest secret stops signing at once
    again, newest = await services.rotate_secret(uow, mine, clock, PUBLIC, made.id)
    assert again.signing_secrets(clock.now()) == [newest, secret]
    assert await stored(uow, made.id) == again


async def test_e11_a_test_delivery_is_a_ping_to_that_endpoint_only_due_at_once():
    uow, mine, theirs, made = await setup()
    delivery = await services.send_test(uow, mine, FixedClock(AT), made.id)
    assert (delivery.endpoint_id, delivery.next_attempt_at, delivery.attempts) == (made.id, AT, 0)
    [ping] = [e for e in uow.events.all() if e.id == delivery.event_id]
    assert ping.type is EventType.PING and ping.data["endpointId"].startswith("V2ViaG9va0VuZHBvaW50")
    for who, endpoint_id in ((theirs, made.id), (mine, None), (mine, 999)):
        with pytest.raises(NotFound):
            await services.send_test(uow, who, FixedClock(AT), endpoint_id)
    await services.update_endpoint(uow, mine, LiteralAddresses(), PUBLIC, made.id, EndpointChanges(enabled=False))
    before = len(uow.events.all())
    with pytest.raises(InvalidInput):  # a disabled endpoint's deliveries wait: enable it first
        await services.send_test(uow, mine, FixedClock(AT), made.id)
    assert len(uow.events.all()) == before


@pytest.mark.parametrize("types", [[EventType.PING], [EventType.ORDER_PLACED, EventType.PING], []])
async def test_e11_ping_is_never_subscribed_to(types):
    uow, mine, _theirs, made = await setup()
    with pytest.raises(InvalidInput) as refused:
        await services.update_endpoint(uow, mine, LiteralAddresses(), PUBLIC, made.id,
                                       EndpointChanges(event_types=types))
    assert refused.value.field == ("input", "eventTypes")
    assert await stored(uow, made.id) == made
    with pytest.raises(InvalidInput):
        await services.create_endpoint(uow, mine, FixedClock(AT), LiteralAddresses(), PUBLIC, URL, types, None, False)


def test_e11_no_reader_sees_a_ping():
    from domain.events.model import Event, EventQuery

    merchant = Actor("m-1", Role.MERCHANT, shop_id=1)
    ping = Event.of(EventType.PING, "WebhookEndpoint", 1, merchant, AT, shop_id=1)
    assert not EventQuery(everything=True).admits(ping) and not EventQuery(shop_id=1).admits(ping)
    assert EventQuery(everything=True).admits(Event.of(EventType.ORDER_PLACED, "Order", 1, merchant, AT, shop_id=1))
