"""Migration 0023 on a database filled at 0022 (issue 34): events written before it keep their id order in replay and
come before every event written after it; a cursor of one value still resumes right after its event."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from domain.events.model import Event, EventQuery, EventType
from domain.shared.actor import Actor, Role
from persistence.db import Database, is_sqlite
from persistence.migrate import upgrade
from persistence.uow import SqlUnitOfWork
from tests.database import at_revision_with_a_shop

T0 = datetime(2026, 6, 1, 2, tzinfo=UTC)


def test_0023_keeps_the_order_of_events_written_before_it(scratch_url):
    if is_sqlite(scratch_url):
        pytest.skip("0023 changes nothing on SQLite: one writer at a time, positions are (0, id)")
    engine = at_revision_with_a_shop(scratch_url, "0022", T0)
    with engine.begin() as conn:
        for key in ("a", "b", "c"):
            conn.execute(text("INSERT INTO events (type, occurred_at, actor_role, actor_id, subject_type, subject_key, "
                              "data) VALUES ('WORKING_CALENDAR_SET', :t, 'PLATFORM', 'ops', 'WorkingCalendar', :k, "
                              "'{}')"), {"t": T0, "k": key})
    engine.dispose()
    upgrade(scratch_url)

    async def read() -> tuple[list[str], list[str], list[str]]:
        database = Database(scratch_url)
        try:
            async with SqlUnitOfWork(database) as uow:
                await uow.events.record(Event.of(EventType.WORKING_CALENDAR_SET, "WorkingCalendar", "d",
                                                 Actor("ops", Role.PLATFORM), T0))
                await uow.commit()
            async with SqlUnitOfWork(database, write=False) as reader:
                everything = await reader.events.since(EventQuery(everything=True), None, 10)
                old_b = await reader.events.position_of(everything[1].id or 0)
                after_b = await reader.events.since(EventQuery(everything=True), old_b, 10)
            return ([e.subject_key for e in everything], [e.subject_key for e in after_b],
                    sorted({str(e.txid) for e in everything[:3]}))
        finally:
            await database.dispose()

    order, after_b, old_txids = asyncio.run(read())
    assert order == ["a", "b", "c", "d"] and after_b == ["c", "d"] and len(old_txids) == 1
