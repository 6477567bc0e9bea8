"""The outbox on SQL. Events wait with the unit of work and are written by its commit, in the same transaction as
the changes they describe.

Replay without a lock (issue 34). On PostgreSQL each row carries its transaction's id (``txid xid8``, migration
0023); readers take rows in (txid, id) order and only those of transactions older than every transaction still
running (``txid < pg_snapshot_xmin(pg_current_snapshot())``). A transaction that commits late has a txid at or above
that horizon when a reader passes, so its events come after everything the reader has had: no gap, no repeat, and
no commit waits for another's (the global advisory lock this replaced serialised every event-writing commit).
SQLite's ``BEGIN IMMEDIATE`` serialises writers, so ids are in commit order there and a position is (0, id)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Text,
    bindparam,
    cast,
    false,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import UserDefinedType

from domain.events.model import (
    MERCHANT_ONLY_TYPES,
    NEVER_REPLAYED,
    Event,
    EventQuery,
    EventType,
    HistoryEntry,
    Position,
)
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
NOTIFY_CHANNEL = "events"  # E4: every writing transaction notifies it; delivered on commit, to every process
_ROWS = Rows(EVENTS)
_BY_ID = ByKeys(lambda match: select(EVENTS).where(match(EVENTS.c.id)))
_HISTORIES = ByKeys(lambda match: select(
    EVENTS.c.subject_key, EVENTS.c.type, EVENTS.c.occurred_at, EVENTS.c.actor_role, EVENTS.c.actor_id).where(
    EVENTS.c.subject_type == bindparam("subject_type"), match(EVENTS.c.subject_key)).order_by(EVENTS.c.id))
_MERCHANT_ONLY = sorted(t.value for t in MERCHANT_ONLY_TYPES)


_make_event = hydrator(Event)


class _Xid8(UserDefinedType[int]):
    cache_ok = True

    def get_col_spec(self, **_kw: Any) -> str:
        return "xid8"


_TXID: ColumnElement[Any] = literal_column("events.txid")  # PostgreSQL only (migration 0023)
_TXID_TEXT = cast(_TXID, Text).label("txid_text")
_HORIZON = _TXID < func.pg_snapshot_xmin(func.pg_current_snapshot())  # transactions older than every running one
_BY_ID_WITH_TXID = ByKeys(lambda match: select(EVENTS, _TXID_TEXT).where(match(EVENTS.c.id)))


def _xid8(value: int) -> Any:
    return cast(literal(str(value), String), _Xid8())


def _event(row: Any, txid: int = 0) -> Event:
    return _make_event(type=member(EventType, row.type), occurred_at=row.occurred_at,
                       actor_role=member(Role, row.actor_role), actor_id=row.actor_id, subject_type=row.subject_type,
                       subject_key=row.subject_key, shop_id=row.shop_id, buyer_id=row.buyer_id,
                       streamer_id=row.streamer_id, data=orjson.loads(row.data), id=row.id, txid=txid)


def _postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


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
        """On PostgreSQL the first write queues the ``NOTIFY`` (sent by the commit, dropped by a rollback)."""
        if _postgresql(self.session) and not self.written[0]:
            await self.session.execute(select(func.pg_notify(NOTIFY_CHANNEL, "")))
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
        if _postgresql(self.session):  # with their positions (an event's cursor is its position)
            rows = (await _BY_ID_WITH_TXID(self.session, set(ids))).all()
            return {row.id: _event(row, int(row.txid_text)) for row in rows}
        return {row.id: _event(row) for row in _ROWS(await _BY_ID.rows(self.session, set(ids)))}

    async def page(self, query: EventQuery, page: Page) -> list[Event]:
        if not _postgresql(self.session):  # one writer at a time: id order is commit order
            keyed = replace(page, after=page.after and page.after[1:], before=page.before and page.before[1:])
            rows = await self.session.execute(keyset.window(_visible(select(EVENTS), query), [EVENTS.c.id], False,
                                                            keyed))
            return [_event(row) for row in _ROWS(rows)]
        keyed = replace(page, after=page.after and (_xid8(page.after[0]), page.after[1]),
                        before=page.before and (_xid8(page.before[0]), page.before[1]))
        statement = _visible(select(EVENTS, _TXID_TEXT), query).where(_HORIZON)
        rows = await self.session.execute(keyset.window(statement, [_TXID, EVENTS.c.id], False, keyed))
        return [_event(row, int(row.txid_text)) for row in rows]

    async def since(self, query: EventQuery, after: Position | None, limit: int) -> list[Event]:
        return await self.page(query, Page(limit, after=after))

    async def end(self) -> Position:
        """The last position a reader may pass now (the feed's start when its first subscriber arrives)."""
        if not _postgresql(self.session):
            return (0, (await self.session.execute(select(func.coalesce(func.max(EVENTS.c.id), 0)))).scalar_one())
        last = (await self.session.execute(select(_TXID_TEXT, EVENTS.c.id).where(_HORIZON)
                                           .order_by(_TXID.desc(), EVENTS.c.id.desc()).limit(1))).first()
        return (int(last[0]), last[1]) if last else (0, 0)

    async def position_of(self, event_id: int) -> Position:
        if not _postgresql(self.session):
            return (0, event_id)
        found = (await self.session.execute(
            select(_TXID_TEXT, EVENTS.c.id).where(EVENTS.c.id >= event_id).order_by(EVENTS.c.id).limit(1))).first()
        if found is None:  # past every event: before whatever comes next
            latest = (await self.session.execute(select(_TXID_TEXT).select_from(EVENTS).order_by(_TXID.desc())
                                                 .limit(1))).scalar_one_or_none()
            return (int(latest or 0), event_id)
        txid, found_id = int(found[0]), found[1]
        return (txid, event_id) if found_id == event_id else (txid, found_id - 1)


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
