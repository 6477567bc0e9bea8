"""The outbox on SQL. Events wait with the unit of work and are written by its commit, in the same transaction as
the changes they describe. On PostgreSQL the commit first takes a transaction-level advisory lock, so transactions
write their events and commit one at a time: ids are handed out in commit order and a replay that stored the last
id it saw never skips a transaction that committed late (SQLite's ``BEGIN IMMEDIATE`` already serialises writers).
The lock is held only from the events' INSERT to the COMMIT."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import orjson
from sqlalchemy import Select, bindparam, false, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.events.model import MERCHANT_ONLY_TYPES, NEVER_REPLAYED, Event, EventQuery, EventType, HistoryEntry
from domain.shared.actor import Role
from domain.shared.listing import Page
from persistence.events.tables import EventRow
from persistence.shared import keyset
from persistence.shared.enums import member
from persistence.shared.hydrate import hydrator
from persistence.shared.keys import ByKeys, Rows
from persistence.shared.tables import table
from persistence.webhooks.repository import fan_out

EVENTS = table(EventRow)
OUTBOX_LOCK = 0x0A5E_5E1E  # pg_advisory_xact_lock key of the outbox
NOTIFY_CHANNEL = "events"  # E4: every writing transaction notifies it; delivered on commit, to every process
_ROWS = Rows(EVENTS)
_BY_ID = ByKeys(lambda match: select(EVENTS).where(match(EVENTS.c.id)))
_HISTORIES = ByKeys(lambda match: select(
    EVENTS.c.subject_key, EVENTS.c.type, EVENTS.c.occurred_at, EVENTS.c.actor_role, EVENTS.c.actor_id).where(
    EVENTS.c.subject_type == bindparam("subject_type"), match(EVENTS.c.subject_key)).order_by(EVENTS.c.id))
_MERCHANT_ONLY = sorted(t.value for t in MERCHANT_ONLY_TYPES)


_make_event = hydrator(Event)


def _event(row: Any) -> Event:
    return _make_event(type=member(EventType, row.type), occurred_at=row.occurred_at,
                       actor_role=member(Role, row.actor_role), actor_id=row.actor_id, subject_type=row.subject_type,
                       subject_key=row.subject_key, shop_id=row.shop_id, buyer_id=row.buyer_id,
                       streamer_id=row.streamer_id, data=orjson.loads(row.data), id=row.id)


def _values(event: Event) -> dict[str, Any]:
    return dict(type=event.type.value, occurred_at=event.occurred_at, actor_role=event.actor_role.value,
                actor_id=event.actor_id, subject_type=event.subject_type, subject_key=event.subject_key,
                shop_id=event.shop_id, buyer_id=event.buyer_id, streamer_id=event.streamer_id,
                data=orjson.dumps(event.data, option=orjson.OPT_SORT_KEYS).decode())


class SqlEventLog:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.pending: list[Event] = []
        self.written = (False, False)  # by ``append``, before the commit's flush

    async def record(self, event: Event) -> None:
        self.pending.append(event)

    async def append(self, event: Event) -> int:
        self.pending.append(event)
        ids = await self._write()
        return ids[-1]

    async def flush(self) -> tuple[bool, bool]:
        """Called by the unit of work's commit: the transaction's events, in the order they were recorded. Says
        whether the transaction wrote events, and webhook deliveries."""
        if self.pending:
            await self._write()
        return self.written

    async def _write(self) -> list[int]:
        """On PostgreSQL one statement takes the outbox lock (held to the commit, so ids keep commit order) and
        queues the ``NOTIFY`` (sent by the commit, dropped by a rollback)."""
        if self.session.get_bind().dialect.name == "postgresql" and not self.written[0]:
            await self.session.execute(select(func.pg_advisory_xact_lock(OUTBOX_LOCK),
                                              func.pg_notify(NOTIFY_CHANNEL, "")))
        if self.session.get_bind().dialect.name == "sqlite":
            # SQLite cannot order a multi-row RETURNING by parameter (SQLAlchemy would send one INSERT an event), but
            # the writer holds the database, so one INSERT's rows take ascending rowids in the order given
            inserted = await self.session.execute(insert(EVENTS).returning(EVENTS.c.id),
                                                  [_values(e) for e in self.pending])
            ids = sorted(inserted.scalars().all())
        else:
            inserted = await self.session.execute(
                insert(EVENTS).returning(EVENTS.c.id, sort_by_parameter_order=True), [_values(e) for e in self.pending])
            ids = list(inserted.scalars().all())
        deliveries = await fan_out(self.session, ids)  # E5: their webhook deliveries
        self.pending.clear()
        self.written = (True, self.written[1] or deliveries)
        return ids

    async def histories(self, subject_type: str, keys: list[int]) -> dict[int, list[HistoryEntry]]:
        """Only the columns a history shows: a page of claims lists ~150 events, and reading, parsing and making
        whole events (their data too) was the most of its reads."""
        found: dict[int, list[HistoryEntry]] = defaultdict(list)
        if keys:
            rows = await _HISTORIES.rows(self.session, [str(k) for k in keys], subject_type=subject_type)
            for key, kind, at, role, actor in rows:
                found[int(key)].append(HistoryEntry(member(EventType, kind), at, member(Role, role), actor))
        return found

    async def get_many(self, ids: list[int]) -> dict[int, Event]:
        if not ids:
            return {}
        return {row.id: _event(row) for row in _ROWS(await _BY_ID.rows(self.session, set(ids)))}

    async def page(self, query: EventQuery, page: Page) -> list[Event]:
        rows = await self.session.execute(keyset.window(_visible(select(EVENTS), query), [EVENTS.c.id], False, page))
        return [_event(row) for row in _ROWS(rows)]

    async def since(self, query: EventQuery, after_id: int | None, limit: int) -> list[Event]:
        return await self.page(query, Page(limit, after=None if after_id is None else (after_id,)))


def _visible(statement: Select[Any], query: EventQuery) -> Select[Any]:
    """E3 in SQL: the viewer's scope (an OR of indexed columns), then the filter."""
    if query.nothing:
        return statement.where(false())
    statement = statement.where(EVENTS.c.type != NEVER_REPLAYED.value)  # E11
    if not query.everything:
        scopes = []
        if query.shop_id is not None:
            shop = EVENTS.c.shop_id == query.shop_id
            scopes.append(shop if query.ledger else shop & EVENTS.c.type.notin_(_MERCHANT_ONLY))
        if query.buyer_id is not None:
            scopes.append(EVENTS.c.buyer_id == query.buyer_id)
        if query.streamer_id is not None:
            scopes.append(EVENTS.c.streamer_id == query.streamer_id)
        statement = statement.where(or_(*scopes) if scopes else false())
    if query.types is not None:
        statement = statement.where(EVENTS.c.type.in_(sorted(t.value for t in query.types)))
    if query.only_shop_id is not None:
        statement = statement.where(EVENTS.c.shop_id == query.only_shop_id)
    if query.subject is not None:
        statement = statement.where(EVENTS.c.subject_type == query.subject[0],
                                    EVENTS.c.subject_key == query.subject[1])
    return statement
