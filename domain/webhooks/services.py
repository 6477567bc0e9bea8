"""SPEC E5–E6, E11: registering, changing and rotating endpoints, listing them and their deliveries, and delivering
what is due."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.events.model import Event, EventType
from domain.shared.actor import Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import InvalidInput, NotFound, stored
from domain.shared.ids import global_id
from domain.shared.listing import Page
from domain.shared.messages import msg
from domain.shared.uow import UnitOfWork, UnitOfWorkFactory, in_transaction
from domain.shared.validation import Validation
from domain.shops.services import requested_shop, require_shop
from domain.webhooks import rules
from domain.webhooks.model import (
    Attempt,
    DeliveryStatus,
    Outcome,
    WebhookDelivery,
    WebhookEndpoint,
)
from domain.webhooks.ports import AddressResolver, PayloadQueries, WebhookSender

MAX_ENDPOINTS = 20  # per owner


@dataclass(frozen=True)
class WebhookPolicy:
    allow_private: bool = False  # E6: WEBHOOK_ALLOW_PRIVATE
    retry_delays: tuple[int, ...] = (5, 300, 1800, 7200, 18000, 36000)  # E5: WEBHOOK_RETRY_DELAYS, seconds
    timeout: float = 10.0  # E5: a receiver that has not answered by then failed this attempt
    batch: int = 20  # deliveries claimed (and sent concurrently) at a time
    per_endpoint: int = 2  # WEBHOOK_PER_ENDPOINT_CONCURRENCY: of one endpoint, at most this many of a batch
    rotation_overlap: timedelta = timedelta(hours=24)  # E11: WEBHOOK_ROTATION_OVERLAP_HOURS
    disable_after: timedelta = timedelta(hours=72)  # E11: WEBHOOK_DISABLE_AFTER_HOURS

    @property
    def lease(self) -> timedelta:
        """How long a claimed delivery is a worker's: past it, a delivery whose worker died is due again."""
        return timedelta(seconds=self.timeout + 2)


def _owner_scope(actor: Actor) -> tuple[Role, int | None]:
    actor.require(Role.MERCHANT, Role.PLATFORM)
    return (Role.MERCHANT, actor.shop) if actor.role is Role.MERCHANT else (Role.PLATFORM, None)


def owns(actor: Actor, endpoint: WebhookEndpoint) -> bool:
    if actor.role is Role.PLATFORM:
        return endpoint.owner_role is Role.PLATFORM
    return actor.role is Role.MERCHANT and endpoint.owner_role is Role.MERCHANT and endpoint.shop_id == actor.shop_id


async def create_endpoint(uow: UnitOfWork, actor: Actor, clock: Clock, resolver: AddressResolver,
                          policy: WebhookPolicy, url: str, event_types: list[EventType],
                          shop_id: int | None, shop_given: bool, description: str | None = None,
                          payload_query: str | None = None, queries: PayloadQueries | None = None
                          ) -> tuple[WebhookEndpoint, str]:
    """E5/E6: MERCHANT (its shop's events; ``shopId`` must be omitted or its own) or PLATFORM (all events, or one
    shop's). The URL is checked, and the addresses its host resolves to; the secret is returned once. E10: a
    ``payload_query`` is checked by ``queries`` (the served schema)."""
    owner_role, own_shop = _owner_scope(actor)
    given = Validation()  # H2: the URL, the event types, the description, the query and the shop at once
    checked_url = await given.awaited(_safe_url(url, resolver, policy))
    types: list[EventType] | None = given(rules.check_event_types, event_types)
    description = given(rules.check_description, description)
    payload_query = given(rules.check_payload_query, payload_query, _checker(queries))
    scope = given(requested_shop, actor, shop_id, shop_given, ("input", "shopId"))
    secret = rules.new_secret()

    async def work(uow: UnitOfWork) -> WebhookEndpoint:
        """The first free slot of the owner's 1..MAX_ENDPOINTS: ``uq_webhook_endpoint_slot`` refuses a slot another
        request took meanwhile (``ConcurrentUpdate``: tried again on fresh state), so the limit holds under any
        concurrency."""
        check = given.branch()
        await check.awaited(require_shop(uow, scope, ("input", "shopId")))
        check.done()  # nothing is written before this
        assert checked_url is not None
        taken = {e.slot for e in await uow.webhooks.owned(owner_role, own_shop)}
        free = next((slot for slot in range(1, MAX_ENDPOINTS + 1) if slot not in taken), None)
        if free is None:
            raise InvalidInput(msg("an owner has at most {max} webhook endpoints", max=MAX_ENDPOINTS), ("input",))
        return await uow.webhooks.add(WebhookEndpoint(
            url=checked_url, event_types=frozenset(types or []), owner_role=owner_role, owner_id=actor.user_id,
            shop_id=scope, secret=secret, created_at=clock.now(),
            slot=free, description=description, payload_query=payload_query))

    return await in_transaction(uow, work, attempts=MAX_ENDPOINTS + 5), secret


def _checker(queries: PayloadQueries | None) -> Callable[[str], str | None]:
    if queries is None:
        return lambda _document: "this server checks no payloadQuery here"
    return queries.check


async def _safe_url(url: str, resolver: AddressResolver, policy: WebhookPolicy) -> str:
    """E6: the URL, trimmed, if it may be delivered to (its form, then what its host resolves to)."""
    url = url.strip()
    host = rules.check_url(url, policy.allow_private)
    rules.check_addresses(host, await resolver.resolve(host), policy.allow_private)
    return url


@dataclass(frozen=True)
class EndpointChanges:
    """E11: what an owner changes; None leaves a field as it is (``description=""`` clears it)."""

    url: str | None = None
    event_types: list[EventType] | None = None
    enabled: bool | None = None
    description: str | None = None
    payload_query: str | None = None  # E10: "" clears it


async def _owned(uow: UnitOfWork, actor: Actor, endpoint_id: int | None, field: str = "endpointId"
                 ) -> WebhookEndpoint:
    """The actor's endpoint; another's reads as not found (G6), at the input's ``field``."""
    endpoint = await uow.webhooks.get(endpoint_id) if endpoint_id is not None else None
    if endpoint is None or not owns(actor, endpoint):
        raise NotFound("no such webhook endpoint", ("input", field))
    return endpoint


async def update_endpoint(uow: UnitOfWork, actor: Actor, resolver: AddressResolver, policy: WebhookPolicy,
                          endpoint_id: int | None, changes: EndpointChanges,
                          queries: PayloadQueries | None = None) -> WebhookEndpoint:
    """E11: the owner only (another's reads as not found, G6). A new URL is checked as at registration (E6).
    Disabling records that its owner did it; enabling clears the reason, and what is still pending is delivered."""
    _owner_scope(actor)
    given = Validation()  # H2: every changed field's problem at once
    url = await given.awaited(_safe_url(changes.url, resolver, policy)) if changes.url is not None else None
    given(rules.check_event_types, changes.event_types)
    description = given(rules.check_description, changes.description)
    payload_query = given(rules.check_payload_query, changes.payload_query, _checker(queries))

    async def work(uow: UnitOfWork) -> WebhookEndpoint:
        check = given.branch()
        endpoint = await check.awaited(_owned(uow, actor, endpoint_id))
        check.done()
        assert endpoint is not None
        enabled = endpoint.enabled if changes.enabled is None else changes.enabled
        changed = replace(
            endpoint, url=url or endpoint.url, enabled=enabled,
            event_types=endpoint.event_types if changes.event_types is None else frozenset(changes.event_types),
            description=endpoint.description if changes.description is None else description,
            payload_query=endpoint.payload_query if changes.payload_query is None else payload_query,
            disabled_reason=rules.disabled_reason(endpoint.enabled, endpoint.disabled_reason, enabled),
            failing_since=endpoint.failing_since if endpoint.enabled or not enabled else None)
        await uow.webhooks.update(changed)
        return changed

    return await in_transaction(uow, work)


async def rotate_secret(uow: UnitOfWork, actor: Actor, clock: Clock, policy: WebhookPolicy,
                        endpoint_id: int | None) -> tuple[WebhookEndpoint, str]:
    """E11: a new secret, returned once; the one it replaces keeps signing for ``rotation_overlap``, so a receiver
    verifies with either while it switches. Rotating again during an overlap ends the oldest secret at once."""
    _owner_scope(actor)
    secret = rules.new_secret()

    async def work(uow: UnitOfWork) -> WebhookEndpoint:
        endpoint = await _owned(uow, actor, endpoint_id)
        now = clock.now()
        rotated = replace(endpoint, secret=secret, previous_secret=endpoint.secret,
                          previous_secret_until=now + policy.rotation_overlap, secret_rotated_at=now)
        await uow.webhooks.update(rotated)
        return rotated

    return await in_transaction(uow, work), secret


async def redeliver(uow: UnitOfWork, actor: Actor, clock: Clock, delivery_id: int | None) -> WebhookDelivery:
    """E11: the endpoint's owner sends a delivery again — whatever its status — with the same ``webhook-id`` and
    body: it is due at once, one attempt more; a failed one is then retried only while the schedule has tries left
    (a redelivery of a FAILED delivery that fails is FAILED again). Another's delivery reads as not found (G6)."""
    _owner_scope(actor)

    async def work(uow: UnitOfWork) -> WebhookDelivery:
        delivery = await uow.webhooks.get_delivery(delivery_id) if delivery_id is not None else None
        endpoint = await uow.webhooks.get(delivery.endpoint_id) if delivery is not None else None
        if delivery is None or endpoint is None or not owns(actor, endpoint):
            raise NotFound("no such webhook delivery", ("input", "deliveryId"))
        again = await uow.webhooks.redeliver(stored(delivery.id), clock.now())
        if again is None:
            raise NotFound("no such webhook delivery", ("input", "deliveryId"))
        return again

    return await in_transaction(uow, work)


async def send_test(uow: UnitOfWork, actor: Actor, clock: Clock, endpoint_id: int | None) -> WebhookDelivery:
    """E11: the owner sends its endpoint a PING, due at once and listed among its deliveries. The PING is an event
    so that it is delivered like any other (signed, retried, its attempts kept), but no reader replays or streams
    it and no other endpoint receives it. A disabled endpoint is enabled first: deliveries to it wait."""
    _owner_scope(actor)

    async def work(uow: UnitOfWork) -> WebhookDelivery:
        endpoint = await _owned(uow, actor, endpoint_id)
        if not endpoint.enabled:
            raise InvalidInput("the endpoint is disabled: enable it (updateWebhookEndpoint) before testing it",
                               ("input", "endpointId"))
        now = clock.now()
        ping = await uow.events.append(Event.of(
            EventType.PING, "WebhookEndpoint", endpoint.id, actor, now,
            endpointId=global_id("WebhookEndpoint", stored(endpoint.id)), url=endpoint.url))
        return await uow.webhooks.add_delivery(ping, stored(endpoint.id), now)

    return await in_transaction(uow, work)


async def delete_endpoint(uow: UnitOfWork, actor: Actor, endpoint_id: int | None) -> int:
    """The owner only; another's endpoint reads as not found (G6). Its deliveries go with it."""
    _owner_scope(actor)

    async def work(uow: UnitOfWork) -> int:
        endpoint = await _owned(uow, actor, endpoint_id, "id")
        await uow.webhooks.delete(stored(endpoint.id))
        return stored(endpoint.id)

    return await in_transaction(uow, work)


async def list_endpoints(uow: UnitOfWork, actor: Actor) -> list[WebhookEndpoint]:
    """E6: MERCHANT the shop's endpoints; PLATFORM the platform's own."""
    role, shop_id = _owner_scope(actor)
    return await uow.webhooks.owned(role, shop_id)


NOT_ATTEMPTED_RETRY = timedelta(seconds=1)


def message_id(delivery_id: int) -> str:
    """E5: the ``webhook-id``, the same on every attempt of one (event, endpoint): receivers deduplicate by it."""
    return global_id("WebhookDelivery", delivery_id)


async def deliver_due(uow: UnitOfWorkFactory, sender: WebhookSender, queries: PayloadQueries,
                      resolver: AddressResolver, policy: WebhookPolicy, clock: Clock) -> int:
    """E5: claim what is due (a transaction of its own), POST each concurrently with no transaction open, then
    record each outcome (a transaction each). How many attempts were made. Fair between tenants: a batch takes at
    most ``per_endpoint`` deliveries of one endpoint, so one tenant's slow receivers cannot fill it, and a delivery
    that could not be sent (a local resource ran out) is not counted as an attempt."""
    now = clock.now()
    async with uow(write=False) as peeking:
        if not await peeking.webhooks.any_due(now):
            return 0
    attempts = await in_transaction(uow(), lambda claiming: claiming.webhooks.claim_due(
        now, now + policy.lease, policy.batch, policy.per_endpoint), attempts=1)
    if not attempts:
        return 0
    async with uow(write=False) as reading:
        endpoints = await reading.webhooks.get_many(sorted({a.endpoint_id for a in attempts}))
        # E10: a retry sends the body its first attempt kept; only a first attempt reads its event to render one
        events = await reading.events.get_many(sorted({a.event_id for a in attempts if a.body is None}))
    bodies = await _bodies(uow, queries, attempts, endpoints, events)
    outcomes = await asyncio.gather(*(
        _attempt(sender, resolver, policy, endpoints.get(a.endpoint_id), a, bodies.get(a.delivery_id), now)
        for a in attempts))
    finished = clock.now()
    for attempt, outcome in zip(attempts, outcomes):
        next_at: datetime | None
        if not outcome.attempted:  # nothing left this process: due again at once, the attempt not counted
            status, next_at = DeliveryStatus.PENDING, finished + NOT_ATTEMPTED_RETRY
        else:
            status, next_at = ((DeliveryStatus.SUCCEEDED, None) if outcome.succeeded
                               else rules.after_failure(attempt.attempts, policy.retry_delays, finished))
        await _record(uow, policy, endpoints.get(attempt.endpoint_id), attempt, status, outcome, finished, next_at)
    return len(attempts)


async def _bodies(uow: UnitOfWorkFactory, queries: PayloadQueries, attempts: list[Attempt],
                  endpoints: dict[int, WebhookEndpoint], events: dict[int, Event]) -> dict[int, str]:
    """E10: each delivery's body, fixed at its first attempt: rendered (as the endpoint's owner, by its
    payloadQuery, or E5's default) and kept before it is sent, so that retries and redeliveries send the same
    bytes, also after the endpoint's document changed."""
    bodies = {a.delivery_id: a.body for a in attempts if a.body is not None}
    fresh = [a for a in attempts if a.body is None and a.endpoint_id in endpoints and a.event_id in events]
    if fresh:
        rendered = await asyncio.gather(*(queries.render(endpoints[a.endpoint_id], events[a.event_id])
                                          for a in fresh))
        made = {a.delivery_id: body for a, body in zip(fresh, rendered, strict=True)}
        bodies.update(await in_transaction(uow(), lambda keeping: keeping.webhooks.keep_bodies(made), attempts=1))
    return bodies


WORKER = Actor("webhooks", Role.SERVICE)  # the delivery worker, as the actor of what it records


async def _record(uow: UnitOfWorkFactory, policy: WebhookPolicy, endpoint: WebhookEndpoint | None, attempt: Attempt,
                  status: DeliveryStatus, outcome: Outcome, at: datetime, next_at: datetime | None) -> None:
    """One attempt's outcome, in a transaction of its own (only if it is still the attempt claimed). E11: the
    endpoint's health goes with it, and an endpoint whose attempts have all failed for ``disable_after`` is disabled,
    once, with an event that tells its owner."""

    async def work(recording: UnitOfWork) -> None:
        if not await recording.webhooks.finish(attempt, status, outcome, at, next_at):
            return
        if endpoint is None or not outcome.attempted:
            return
        since = await recording.webhooks.record_health(stored(endpoint.id), outcome.succeeded, at)
        if since is None or not rules.failing_too_long(since, at, policy.disable_after):
            return
        reason = rules.failing_reason(since, policy.disable_after)
        if await recording.webhooks.disable(stored(endpoint.id), reason):
            await recording.events.record(Event.of(
                EventType.WEBHOOK_ENDPOINT_DISABLED, "WebhookEndpoint", endpoint.id, WORKER, at,
                shop_id=endpoint.shop_id if endpoint.owner_role is Role.MERCHANT else None,
                endpointId=global_id("WebhookEndpoint", stored(endpoint.id)), url=endpoint.url, reason=reason,
                failingSince=since.isoformat()))

    await in_transaction(uow(), work, attempts=1)


async def _attempt(sender: WebhookSender, resolver: AddressResolver, policy: WebhookPolicy,
                   endpoint: WebhookEndpoint | None, attempt: Attempt, body: str | None, now: datetime) -> Outcome:
    if endpoint is None or body is None:
        return Outcome(None, "the endpoint or the event is gone")
    try:  # E6 again at delivery time: what the host resolves to may have changed since registration
        host = rules.check_url(endpoint.url, policy.allow_private)
        rules.check_addresses(host, await resolver.resolve(host), policy.allow_private)
    except rules.UnsafeUrl as unsafe:
        return Outcome(None, unsafe.message)
    return await sender.send(endpoint, message_id(attempt.delivery_id), body, endpoint.signing_secrets(now))


async def deliveries(uow: UnitOfWork, actor: Actor, endpoint: WebhookEndpoint, page: Page) -> list[WebhookDelivery]:
    if not owns(actor, endpoint):
        return []
    return await uow.webhooks.deliveries(stored(endpoint.id), page)
