"""E4: the live feed. One reader per process follows the ``events`` table in replay order (``Event.position``) and
hands each new event to the subscribers whose query admits it.

What wakes the reader: a commit of this process that wrote events (``Database.events_committed``), and on
PostgreSQL a ``NOTIFY events`` sent inside every writing transaction, which reaches every process listening —
so a subscriber on one server process sees what another committed; on SQLite (several workers on one file) a poll
every half second while anyone subscribes — on PostgreSQL too, since an event is read only once every older
transaction has ended, and one that ends without writing events notifies nobody. The notification carries nothing:
the reader always reads past the last position it had from the table, so a lost notification (a listener
reconnecting) costs latency, never an event; and a reader never passes an event of a transaction still running
(``SqlEventLog.page``), so reading past the last position never skips a late commit.

Each subscriber has a bounded queue: one that falls behind is ended with ``FellBehind`` and resumes from its last
cursor, instead of growing the server's memory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import psycopg

from domain.events.model import Event, EventQuery, FellBehind, Position
from persistence.db import Database
from persistence.events.repository import NOTIFY_CHANNEL, SqlEventLog

log = logging.getLogger("aftersales.events")
BATCH = 500
POLL_SECONDS = 0.5  # how often a process looks for events it was not told of (other processes, a horizon moved)


@dataclass(eq=False)
class _Subscriber:
    query: EventQuery
    queue: asyncio.Queue[Event]
    behind: bool = False

    def offer(self, event: Event) -> None:
        if self.behind:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.behind = True


class SqlEventFeed:
    def __init__(self, database: Database, queue_size: int = 1000):
        self.database = database
        self.queue_size = queue_size
        self.subscribers: set[_Subscriber] = set()
        self.last: Position = (0, 0)
        self.idle = True  # no subscriber: commits are not read; the first subscriber reads where the table ends
        self.wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def _end_of_table(self) -> Position:
        async with self.database.read_sessions() as session:
            return await SqlEventLog(session).end()

    async def start(self) -> None:
        self.database.events_committed.append(self.wake.set)
        self._tasks.append(asyncio.create_task(self._read()))
        if self.database.engine.dialect.name == "postgresql":
            self._tasks.append(asyncio.create_task(self._listen()))
        self._tasks.append(asyncio.create_task(self._poll()))

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            self.database.events_committed.remove(self.wake.set)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def subscribe(self, query: EventQuery, after: Position | None) -> AsyncIterator[Event]:
        subscriber = _Subscriber(query, asyncio.Queue(self.queue_size))
        self.subscribers.add(subscriber)  # from here on the reader queues every admitted event past `live_from`
        if self.idle:  # the reader skipped commits while nobody listened: go on from where the table ends now
            self.last = max(self.last, await self._end_of_table())
            self.idle = False
            self.wake.set()
        live_from = self.last
        last: Position = after if after is not None else live_from  # the last position this subscriber has had
        try:
            if after is not None and after < live_from:  # the replay: from the table, up to where live begins
                while last < live_from:
                    async with self.database.read_sessions() as session:
                        page = await SqlEventLog(session).since(query, last, BATCH)
                    page = [e for e in page if e.position <= live_from]
                    if not page:
                        break
                    for event in page:
                        last = event.position
                        yield event
            while True:
                if subscriber.behind and subscriber.queue.empty():
                    raise FellBehind(last)
                event = await subscriber.queue.get()
                if event.position <= last:
                    continue  # before this subscriber's start, or a cursor ahead of this process's reader
                last = event.position
                yield event
        finally:
            self.subscribers.discard(subscriber)

    async def _read(self) -> None:
        delay = 0.1
        while True:
            await self.wake.wait()
            self.wake.clear()
            if not self.subscribers or self.idle:
                self.idle = True  # nobody to tell: the table is not read until someone subscribes
                continue
            try:
                await self._catch_up()
                delay = 0.1
            except Exception:  # noqa: BLE001  (the reader outlives a database hiccup)
                log.exception("event feed: reading failed; retrying in %.1f s", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                self.wake.set()

    async def _catch_up(self) -> None:
        while True:
            async with self.database.read_sessions() as session:
                page = await SqlEventLog(session).since(EventQuery(everything=True), self.last, BATCH)
            for event in page:
                for subscriber in list(self.subscribers):
                    if subscriber.query.admits(event):
                        subscriber.offer(event)
                self.last = max(self.last, event.position)
            if len(page) < BATCH:
                return

    async def _poll(self) -> None:
        """While anyone subscribes, read every ``POLL_SECONDS``: SQLite has no notifications (several ``uvicorn
        --workers`` on one file), and on PostgreSQL an event waits for every older transaction to end, which may
        notify nobody — so each subscriber sees every event within a second (E4). A poll that finds nothing new is
        one indexed read."""
        while True:
            await asyncio.sleep(POLL_SECONDS)
            if self.subscribers:
                self.wake.set()

    async def _listen(self) -> None:
        """PostgreSQL: wake on every process's commits. A dropped connection is reopened with backoff, and the
        table is read again after reconnecting (notifications sent meanwhile are lost, the rows are not)."""
        delay = 0.1
        conninfo = self.database.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                        conninfo, autocommit=True, keepalives=1, keepalives_idle=10, keepalives_interval=5,
                        keepalives_count=2) as conn:
                    await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.wake.set()  # read what committed while no one listened
                    delay = 0.1
                    async for _ in conn.notifies():
                        self.wake.set()
            except psycopg.OperationalError as error:
                log.warning("event feed: listener lost (%s); reconnecting in %.1f s", error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
