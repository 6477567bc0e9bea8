"""Issue 34 (``make bench-outbox``): commits per second of event-writing transactions on PostgreSQL at 1, 16 and 64
concurrent writers, each transaction one event through the unit of work (``SqlEventLog``: its INSERT, its webhook
fan-out and its NOTIFY), in this process on core 1 against the machine's cluster. Five interleaved rounds of
``SECONDS`` each; medians and the spread (min–max), written to ``bench/outbox.json``."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.run import postgres_url
from domain.events.model import Event, EventType
from domain.shared.actor import Actor, Role
from persistence.db import Database
from persistence.migrate import upgrade
from persistence.uow import SqlUnitOfWork

ROUNDS, SECONDS, WRITERS = 5, 2.0, (1, 16, 64)
OUT = Path(__file__).with_name("outbox.json")
ACTOR = Actor("bench", Role.PLATFORM)


async def commits_per_second(database: Database, writers: int) -> float:
    done = 0
    stop = time.perf_counter() + SECONDS

    async def writer(n: int) -> None:
        nonlocal done
        while time.perf_counter() < stop:
            async with SqlUnitOfWork(database) as uow:
                await uow.events.record(Event.of(EventType.WORKING_CALENDAR_SET, "WorkingCalendar", f"{n}", ACTOR,
                                                 datetime.now(UTC)))
                await uow.commit()
            done += 1

    began = time.perf_counter()
    await asyncio.gather(*[writer(n) for n in range(writers)])
    return done / (time.perf_counter() - began)


async def main() -> None:
    os.sched_setaffinity(0, {1})
    url = postgres_url()
    if url is None:
        raise SystemExit("the outbox bench needs PostgreSQL at 127.0.0.1:5432")
    upgrade(url)
    from persistence import db

    made = db.create_engine
    db.create_engine = lambda url, **kw: made(url, **{**kw, "pool_size": 32})  # 64 connections: one a writer
    database = Database(url)
    rates: dict[int, list[float]] = {n: [] for n in WRITERS}
    for _ in range(ROUNDS):
        for n in WRITERS:
            rates[n].append(await commits_per_second(database, n))
    await database.dispose()
    results = {f"{n} writers": {"median": round(statistics.median(v), 1), "min": round(min(v), 1),
                                "max": round(max(v), 1)} for n, v in rates.items()}
    for name, row in results.items():
        print(f"  {name:<12} commits/s median {row['median']:>8}   spread {row['min']}–{row['max']}")
    OUT.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
