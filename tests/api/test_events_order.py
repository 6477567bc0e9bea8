"""E3 without gaps: ids are handed out in commit order, so a replay that stored the last id it saw never misses a
transaction that committed late."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from domain.events.model import Event, EventQuery, EventType
from domain.shared.actor import Actor, Role
from persistence.db import is_sqlite
from persistence.uow import SqlUnitOfWork
from tests.api.test_events import replay

ACTOR = Actor("ops", Role.PLATFORM)


def _event(key: str) -> Event:
    return Event.of(EventType.WORKING_CALENDAR_SET, "WorkingCalendar", key, ACTOR, datetime(2026, 11, 2, tzinfo=UTC))


async def test_a_late_commit_is_never_behind_a_replayed_id(app, settings):
    """A's events are written, not yet committed; B's commit waits for A's (the outbox's lock), so B's id comes
    after A's and a reader between the two commits sees A alone."""
    if is_sqlite(settings.database_url):
        pytest.skip("SQLite's BEGIN IMMEDIATE serialises whole writing transactions; the lock is PostgreSQL's")
    database = app.state.database
    first, second = SqlUnitOfWork(database), SqlUnitOfWork(database)
    async with first:
        await first.events.record(_event("A"))
        await first._events.flush()  # A holds the outbox lock and has its id, uncommitted

        async def commit_second() -> None:
            async with second:
                await second.events.record(_event("B"))
                await second.commit()

        late = asyncio.create_task(commit_second())
        async with database.engine.connect() as probe:  # B is waiting on the outbox lock, not done
            for _ in range(500):
                waiting = (await probe.execute(text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"))).scalar_one()
                if waiting:
                    break
                await asyncio.sleep(0.01)
            assert waiting == 1 and not late.done()
        await first.commit()
    await late
    async with SqlUnitOfWork(database, write=False) as reader:
        events = await reader.events.since(EventQuery(everything=True), None, 10)
    assert [e.subject_key for e in events] == ["A", "B"]


@pytest.mark.slow  # 40 writers and a polling reader
async def test_replay_under_concurrent_writers_has_no_gaps(api, world):
    shop = await world.shop()
    seen: list[str] = []
    cursor = None
    writers = asyncio.gather(*[world.credit(shop, "PAYABLES", "1.00") for _ in range(40)])

    async def poll() -> None:
        nonlocal cursor
        page, end = await replay(api, world.platform, after=cursor)
        seen.extend(e["id"] for e in page)
        cursor = end or cursor

    while not writers.done():
        await poll()
        await asyncio.sleep(0)
    await writers
    await poll()
    everything, _ = await replay(api, world.platform)
    assert seen == [e["id"] for e in everything] and len(seen) == 40
