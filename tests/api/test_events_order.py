"""E3 without gaps and without a lock (issue 34): a reader never passes an event of a transaction still running, so a
replay that stored the last position it saw never misses a transaction that committed late."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from domain.events.model import Event, EventQuery, EventType
from domain.shared.actor import Actor, Role
from persistence.db import is_sqlite
from persistence.uow import SqlUnitOfWork
from tests.api.test_events import replay

ACTOR = Actor("ops", Role.PLATFORM)


def _event(key: str) -> Event:
    return Event.of(EventType.WORKING_CALENDAR_SET, "WorkingCalendar", key, ACTOR, datetime(2026, 11, 2, tzinfo=UTC))


async def test_a_late_commit_is_never_behind_a_replayed_position(app, settings):
    """A's events are written, not yet committed; B writes after A and commits first, without waiting for A (no
    lock): a reader between the two commits sees neither — B is beyond the horizon of the running A — and after A's
    commit it sees A, then B. Nothing is passed for good while A runs."""
    if is_sqlite(settings.database_url):
        pytest.skip("SQLite's BEGIN IMMEDIATE serialises whole writing transactions; the horizon is PostgreSQL's")
    database = app.state.database
    first, second = SqlUnitOfWork(database), SqlUnitOfWork(database)
    async with first:
        await first.events.record(_event("A"))
        await first._events.flush()  # A has its rows and its txid, uncommitted
        async with second:
            await second.events.record(_event("B"))
            await second.commit()  # B does not wait for A
        async with SqlUnitOfWork(database, write=False) as reader:
            between = await reader.events.since(EventQuery(everything=True), None, 10)
        assert between == []
        await first.commit()
    async with SqlUnitOfWork(database, write=False) as reader:
        events = await reader.events.since(EventQuery(everything=True), None, 10)
        assert [e.subject_key for e in events] == ["A", "B"]
        after_a = await reader.events.since(EventQuery(everything=True), events[0].position, 10)
    assert [e.subject_key for e in after_a] == ["B"]


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


@pytest.mark.slow  # 64 writers holding their transactions open
async def test_64_writers_holding_transactions_open_a_poller_and_a_subscriber_each_see_every_event_once(app):
    """Issue 34: no lock orders the commits. 64 writers each write an event, hold the transaction open for a random
    while and commit, in any order; a polling reader (by position) and a live subscriber of this process each see
    every event exactly once, in the same order as the replay read afterwards."""
    import random

    from persistence.events.feed import SqlEventFeed

    database = app.state.database
    feed = SqlEventFeed(database)
    await feed.start()
    keys = [f"w{n}" for n in range(64)]
    polled: list[str] = []
    subscribed: list[str] = []
    subscription = feed.subscribe(EventQuery(everything=True), None)
    first = asyncio.ensure_future(subscription.__anext__())
    await asyncio.sleep(0)  # the subscriber is registered before anything commits

    async def writer(key: str) -> None:
        async with SqlUnitOfWork(database) as uow:
            await uow.events.record(_event(key))
            await uow._events.flush()
            await asyncio.sleep(random.uniform(0, 0.05))  # the transaction stays open, its rows written
            await uow.commit()

    async def listen() -> None:
        subscribed.append((await first).subject_key)
        async for event in subscription:
            subscribed.append(event.subject_key)
            if len(subscribed) == len(keys):
                return

    listening = asyncio.create_task(listen())
    writing = asyncio.gather(*[writer(k) for k in keys])
    position = None
    while True:
        async with SqlUnitOfWork(database, write=False) as reader:
            page = await reader.events.since(EventQuery(everything=True), position, 100)
        polled.extend(e.subject_key for e in page)
        position = page[-1].position if page else position
        if writing.done() and not page:
            break
        await asyncio.sleep(0.005)
    await writing
    await asyncio.wait_for(listening, 10)
    await feed.stop()
    async with SqlUnitOfWork(database, write=False) as reader:
        replayed = [e.subject_key for e in await reader.events.since(EventQuery(everything=True), None, 100)]
    assert sorted(replayed) == sorted(keys)
    assert polled == replayed and subscribed == replayed


async def test_a_cursor_of_one_value_written_before_positions_still_resumes_after_its_event(api, world):
    """Clients stored cursors of one value (an event's id) before cursors became positions: each still resumes
    right after its event."""
    from schema.common.ids import encode_cursor, split_id

    shop = await world.shop()
    for _ in range(3):
        await world.credit(shop, "PAYABLES", "1.00")
    everything, _ = await replay(api, world.platform)
    old_cursor = encode_cursor(split_id(everything[1]["id"])[1])
    after, _ = await replay(api, world.platform, after=old_cursor)
    assert [e["id"] for e in after] == [e["id"] for e in everything[2:]]
    assert (await api.gql("query($a: String) { events(after: $a) { edges { cursor } } }",
                          {"a": encode_cursor("x", 1)}, token=world.platform)).codes == ["BAD_USER_INPUT"]
