"""E5/E6 on SQL. The deliveries of a transaction's events are written by the outbox's commit (``fan_out``); a worker
claims due ones with one conditional UPDATE (its subquery ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent
workers take different rows; SQLite's writers are serialised by ``BEGIN IMMEDIATE``) and finishes each only if it
is still at the attempt it claimed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.events.model import NEVER_REPLAYED, EventType
from domain.shared.actor import Role
from domain.shared.errors import ConcurrentUpdate
from domain.shared.listing import Page
from domain.webhooks.model import (
    Attempt,
    AttemptRecord,
    DeliveryStatus,
    Outcome,
    WebhookDelivery,
    WebhookEndpoint,
)
from persistence.events.tables import EventRow
from persistence.shared import keyset
from persistence.shared.enums import member
from persistence.shared.errors import unique_violation_as
from persistence.shared.keys import ByKeys, Rows
from persistence.shared.tables import rows_affected, table
from persistence.shared.types import UTCDateTime
from persistence.webhooks.tables import WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow

ENDPOINTS, DELIVERIES, EVENTS = table(WebhookEndpointRow), table(WebhookDeliveryRow), table(EventRow)
ATTEMPTS = table(WebhookAttemptRow)
_ENDPOINT_ROWS, _DELIVERY_ROWS, _ATTEMPT_ROWS = Rows(ENDPOINTS), Rows(DELIVERIES), Rows(ATTEMPTS)
_ENABLED_ENDPOINTS = select(ENDPOINTS.c.id).where(ENDPOINTS.c.enabled.is_(True)).scalar_subquery()  # E11
_ATTEMPTS_BY_DELIVERY = ByKeys(lambda match: select(ATTEMPTS).where(match(ATTEMPTS.c.delivery_id))
                               .order_by(ATTEMPTS.c.delivery_id, ATTEMPTS.c.id))
_ENDPOINTS_BY_ID = ByKeys(lambda match: select(ENDPOINTS).where(match(ENDPOINTS.c.id)))
# E5: for the events just inserted, a delivery to every enabled endpoint of the event's type, of its shop or of all
# (a PING goes to its one endpoint only: ``add_delivery``, E11)
_FAN_OUT = ByKeys(lambda match: insert(DELIVERIES).from_select(
    ["event_id", "endpoint_id", "status", "attempts", "next_attempt_at"],
    select(EVENTS.c.id, ENDPOINTS.c.id, literal(DeliveryStatus.PENDING.value), literal(0),
           bindparam("now", type_=UTCDateTime))
    .select_from(EVENTS.join(ENDPOINTS, ENDPOINTS.c.enabled.is_(True)))
    .where(match(EVENTS.c.id), EVENTS.c.type != NEVER_REPLAYED.value,
           ENDPOINTS.c.shop_id.is_(None) | (ENDPOINTS.c.shop_id == EVENTS.c.shop_id),
           ENDPOINTS.c.event_types.like(literal("%,") + EVENTS.c.type + literal(",%")))))


def _types(types: frozenset[EventType]) -> str:
    return "," + ",".join(sorted(t.value for t in types)) + ","


def _endpoint(row: Any) -> WebhookEndpoint:
    return WebhookEndpoint(url=row.url, event_types=frozenset(member(EventType, t) for t in row.event_types.split(",")
                                                              if t),
                           owner_role=member(Role, row.owner_role), owner_id=row.owner_id, shop_id=row.shop_id,
                           secret=row.secret, created_at=row.created_at, enabled=row.enabled, id=row.id,
                           slot=row.slot, description=row.description, disabled_reason=row.disabled_reason,
                           previous_secret=row.previous_secret, previous_secret_until=row.previous_secret_until,
                           secret_rotated_at=row.secret_rotated_at, failing_since=row.failing_since,
                           payload_query=row.payload_query)


def _delivery(row: Any) -> WebhookDelivery:
    return WebhookDelivery(event_id=row.event_id, endpoint_id=row.endpoint_id,
                           status=member(DeliveryStatus, row.status), attempts=row.attempts,
                           last_attempt_at=row.last_attempt_at, last_response_status=row.last_response_status,
                           next_attempt_at=row.next_attempt_at, id=row.id)


async def fan_out(session: AsyncSession, event_ids: list[int]) -> bool:
    """Called by the outbox's commit, in its transaction, with the ids it just inserted; whether any delivery was
    written (the worker is woken only then)."""
    return rows_affected(await _FAN_OUT(session, event_ids, now=datetime.now(UTC))) > 0


class SqlWebhookRepository:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.made_due = False  # a delivery was added or made due again: the commit wakes the worker

    async def add(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        row = WebhookEndpointRow(url=endpoint.url, event_types=_types(endpoint.event_types),
                                 owner_role=endpoint.owner_role.value, owner_id=endpoint.owner_id,
                                 shop_id=endpoint.shop_id, secret=endpoint.secret, enabled=endpoint.enabled,
                                 created_at=endpoint.created_at, owner_key=endpoint.owner_key, slot=endpoint.slot,
                                 description=endpoint.description, payload_query=endpoint.payload_query)
        async with unique_violation_as(ConcurrentUpdate("webhook endpoint slot")):
            self.session.add(row)
            await self.session.flush()
        return replace(endpoint, id=row.id)

    async def get(self, endpoint_id: int) -> WebhookEndpoint | None:
        return (await self.get_many([endpoint_id])).get(endpoint_id)

    async def get_many(self, ids: list[int]) -> dict[int, WebhookEndpoint]:
        if not ids:
            return {}
        return {row.id: _endpoint(row) for row in _ENDPOINT_ROWS(await _ENDPOINTS_BY_ID.rows(self.session, set(ids)))}

    async def owned(self, role: Role, shop_id: int | None) -> list[WebhookEndpoint]:
        query = select(ENDPOINTS).where(ENDPOINTS.c.owner_role == role.value)
        if role is Role.MERCHANT:
            query = query.where(ENDPOINTS.c.shop_id == shop_id)
        rows = await self.session.execute(query.order_by(ENDPOINTS.c.id))
        return [_endpoint(row) for row in _ENDPOINT_ROWS(rows)]

    async def update(self, endpoint: WebhookEndpoint) -> None:
        await self.session.execute(
            update(ENDPOINTS).where(ENDPOINTS.c.id == endpoint.id)
            .values(url=endpoint.url, event_types=_types(endpoint.event_types), enabled=endpoint.enabled,
                    description=endpoint.description, disabled_reason=endpoint.disabled_reason,
                    secret=endpoint.secret, previous_secret=endpoint.previous_secret,
                    previous_secret_until=endpoint.previous_secret_until,
                    secret_rotated_at=endpoint.secret_rotated_at, failing_since=endpoint.failing_since,
                    payload_query=endpoint.payload_query))

    async def delete(self, endpoint_id: int) -> None:
        of_endpoint = select(DELIVERIES.c.id).where(DELIVERIES.c.endpoint_id == endpoint_id)
        await self.session.execute(delete(ATTEMPTS).where(ATTEMPTS.c.delivery_id.in_(of_endpoint.scalar_subquery())))
        await self.session.execute(delete(DELIVERIES).where(DELIVERIES.c.endpoint_id == endpoint_id))
        await self.session.execute(delete(ENDPOINTS).where(ENDPOINTS.c.id == endpoint_id))

    async def deliveries(self, endpoint_id: int, page: Page) -> list[WebhookDelivery]:
        query = select(DELIVERIES).where(DELIVERIES.c.endpoint_id == endpoint_id)
        rows = await self.session.execute(keyset.window(query, [DELIVERIES.c.id], False, page))
        return [_delivery(row) for row in _DELIVERY_ROWS(rows)]

    async def get_delivery(self, delivery_id: int) -> WebhookDelivery | None:
        rows = await self.session.execute(select(DELIVERIES).where(DELIVERIES.c.id == delivery_id))
        found = [_delivery(row) for row in _DELIVERY_ROWS(rows)]
        return found[0] if found else None

    async def add_delivery(self, event_id: int, endpoint_id: int, now: datetime) -> WebhookDelivery:
        inserted = await self.session.execute(insert(DELIVERIES).values(
            event_id=event_id, endpoint_id=endpoint_id, status=DeliveryStatus.PENDING.value, attempts=0,
            next_attempt_at=now).returning(DELIVERIES.c.id))
        self.made_due = True
        found = await self.get_delivery(inserted.scalar_one())
        assert found is not None, "a delivery is read back in the transaction that added it"
        return found

    async def redeliver(self, delivery_id: int, now: datetime) -> WebhookDelivery | None:
        self.made_due = True
        await self.session.execute(update(DELIVERIES).where(DELIVERIES.c.id == delivery_id).values(
            status=DeliveryStatus.PENDING.value, next_attempt_at=now))
        return await self.get_delivery(delivery_id)

    async def pending_count(self) -> int:
        return (await self.session.execute(select(func.count()).select_from(DELIVERIES).where(
            DELIVERIES.c.status == DeliveryStatus.PENDING.value))).scalar_one()

    async def any_due(self, now: datetime) -> bool:
        found = await self.session.execute(
            select(DELIVERIES.c.id).where(
                DELIVERIES.c.status == DeliveryStatus.PENDING.value, DELIVERIES.c.next_attempt_at <= now,
                DELIVERIES.c.endpoint_id.in_(_ENABLED_ENDPOINTS)).limit(1))
        return found.first() is not None

    async def claim_due(self, now: datetime, lease_until: datetime, limit: int, per_endpoint: int) -> list[Attempt]:
        """The first ``per_endpoint`` due deliveries of each enabled endpoint (a window over the due ones), oldest
        first, up to ``limit``; rows another worker holds are skipped (PostgreSQL's ``SKIP LOCKED``). A disabled
        endpoint's deliveries wait (E11): enabling it again delivers them."""
        c = DELIVERIES.c
        ranked = (select(c.id, c.next_attempt_at, func.row_number().over(
            partition_by=c.endpoint_id, order_by=(c.next_attempt_at, c.id)).label("rank"))
            .where(c.status == DeliveryStatus.PENDING.value, c.next_attempt_at <= now,
                   c.endpoint_id.in_(_ENABLED_ENDPOINTS)).subquery())
        fair = (select(ranked.c.id).where(ranked.c.rank <= per_endpoint)
                .order_by(ranked.c.next_attempt_at, ranked.c.id).limit(limit))
        due = select(c.id).where(c.id.in_(fair.scalar_subquery())).with_for_update(skip_locked=True)
        claimed = await self.session.execute(
            update(DELIVERIES)
            .where(DELIVERIES.c.id.in_(due.scalar_subquery()), DELIVERIES.c.status == DeliveryStatus.PENDING.value,
                   DELIVERIES.c.next_attempt_at <= now)
            .values(attempts=DELIVERIES.c.attempts + 1, last_attempt_at=now, next_attempt_at=lease_until)
            .returning(DELIVERIES.c.id, DELIVERIES.c.attempts, DELIVERIES.c.event_id, DELIVERIES.c.endpoint_id,
                       DELIVERIES.c.body))
        return sorted((Attempt(*row) for row in claimed.all()), key=lambda a: a.delivery_id)

    async def keep_bodies(self, bodies: dict[int, str]) -> dict[int, str]:
        """Each body kept only where none is yet (another worker's first attempt may have kept one): those kept."""
        if not bodies:
            return {}
        await self.session.execute(
            update(DELIVERIES).where(DELIVERIES.c.id == bindparam("delivery_id"), DELIVERIES.c.body.is_(None))
            .values(body=bindparam("kept")),
            [{"delivery_id": key, "kept": body} for key, body in bodies.items()])
        kept = await self.session.execute(select(DELIVERIES.c.id, DELIVERIES.c.body)
                                          .where(DELIVERIES.c.id.in_(sorted(bodies))))
        return {key: body for key, body in kept.all()}

    async def finish(self, attempt: Attempt, status: DeliveryStatus, outcome: Outcome, now: datetime,
                     next_attempt_at: datetime | None) -> bool:
        result = await self.session.execute(
            update(DELIVERIES)
            .where(DELIVERIES.c.id == attempt.delivery_id, DELIVERIES.c.attempts == attempt.attempts,
                   DELIVERIES.c.status == DeliveryStatus.PENDING.value)
            .values(status=status.value, next_attempt_at=next_attempt_at,
                    last_response_status=outcome.response_status,
                    last_error=(outcome.error or "")[:300] or None,
                    attempts=DELIVERIES.c.attempts - (0 if outcome.attempted else 1)))
        if rows_affected(result) != 1:
            return False
        if outcome.attempted:
            await self.session.execute(insert(ATTEMPTS).values(
                delivery_id=attempt.delivery_id, at=now, response_status=outcome.response_status,
                duration_ms=outcome.duration_ms, error=outcome.error, excerpt=outcome.excerpt))
        return True

    async def record_health(self, endpoint_id: int, succeeded: bool, at: datetime) -> datetime | None:
        """A success clears ``failing_since``; a failure sets it if it was not set. What it is now."""
        value = None if succeeded else func.coalesce(ENDPOINTS.c.failing_since, bindparam("at", type_=UTCDateTime))
        result = await self.session.execute(update(ENDPOINTS).where(ENDPOINTS.c.id == endpoint_id)
                                            .values(failing_since=value).returning(ENDPOINTS.c.failing_since),
                                            {"at": at})
        row = result.first()
        return row[0] if row is not None else None

    async def disable(self, endpoint_id: int, reason: str) -> bool:
        """Only if it is enabled (so one of several workers records it)."""
        result = await self.session.execute(
            update(ENDPOINTS).where(ENDPOINTS.c.id == endpoint_id, ENDPOINTS.c.enabled.is_(True))
            .values(enabled=False, disabled_reason=reason))
        return rows_affected(result) == 1

    async def attempt_logs(self, delivery_ids: list[int]) -> dict[int, list[AttemptRecord]]:
        found: dict[int, list[AttemptRecord]] = {}
        if not delivery_ids:
            return found
        for row in _ATTEMPT_ROWS(await _ATTEMPTS_BY_DELIVERY.rows(self.session, set(delivery_ids))):
            found.setdefault(row.delivery_id, []).append(AttemptRecord(
                delivery_id=row.delivery_id, at=row.at, response_status=row.response_status,
                duration_ms=row.duration_ms, error=row.error, excerpt=row.excerpt, id=row.id))
        return found
