"""H1 measured (``make bench-throttle``): what the cost throttle adds to a request, on each store.

- **spend**: microseconds of one ``spend`` — in the process (a dict), in PostgreSQL (one ``INSERT … ON CONFLICT …
  RETURNING`` on a pooled connection) and in Redis (one Lua script by its SHA) — 2,000 callers in a row per round,
  each a bucket of its own so none is refused;
- **served**: requests per second of one server process pinned to core 0 (PostgreSQL, ``{ viewer { role } }``, 8 in
  flight from a client pinned to core 1) with the throttle off, in PostgreSQL and in Redis, its bucket too large to
  refuse anything.

Rounds interleave the variants; medians and the spread (min–max) are reported, and written to
``bench/throttle.json``."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
import uuid
from pathlib import Path

from bench.run import SECRET, drive, postgres_url, start, wait_ready
from domain.shared.actor import Role
from domain.shared.throttle import ThrottleRule
from persistence.db import Database
from persistence.migrate import upgrade
from persistence.throttle.stores import MemoryThrottle, PostgresThrottle, RedisThrottle
from web.auth import mint_token

ROUNDS, CALLS, SECONDS, IN_FLIGHT = 5, 2_000, 3.0, 8
REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
OUT = Path(__file__).with_name("throttle.json")


def _spread(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 1), "min": round(min(values), 1), "max": round(max(values), 1)}


async def spends(url: str) -> dict:
    rule = ThrottleRule(1_000_000, 1_000)
    database = Database(url)
    stores = {"process": MemoryThrottle(rule), "postgresql": PostgresThrottle(url, rule),
              "redis": RedisThrottle(REDIS, rule, key_prefix=f"bench:{uuid.uuid4().hex}:")}
    timings: dict[str, list[float]] = {name: [] for name in stores}
    for _ in range(ROUNDS):
        for name, store in stores.items():
            began = time.perf_counter()
            for n in range(CALLS):
                await store.spend(f"caller-{n}", 7, time.time())
            timings[name].append((time.perf_counter() - began) / CALLS * 1e6)
    await stores["redis"].close()  # type: ignore[attr-defined]
    await stores["postgresql"].close()  # type: ignore[attr-defined]
    await database.dispose()
    return {name: _spread(values) for name, values in timings.items()}


async def served(url: str) -> dict:
    variants = {"off": {"THROTTLE_MAX_COST": "0"},
                "postgresql": {"THROTTLE_MAX_COST": "1000000000", "THROTTLE_RESTORE_RATE": "1000"},
                "redis": {"THROTTLE_MAX_COST": "1000000000", "THROTTLE_RESTORE_RATE": "1000", "REDIS_URL": REDIS}}
    rates: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    token = mint_token(SECRET, sub="bench", role=Role.PLATFORM)
    for round_ in range(ROUNDS):
        for name, environment in variants.items():
            port = 18_300 + round_ * 10 + list(variants).index(name)
            process = start(url, port, env=environment)
            os.sched_setaffinity(process.pid, {0})
            try:
                await wait_ready(port)
                found = await drive(port, process.pid, {"query": "{ viewer { role } }"}, token, IN_FLIGHT, SECONDS)
                assert found["errors"] == 0, found
                rates[name].append(found["rps"])
                cpu[name].append(found["cpu_ms_per_request"] * 1000)
            finally:
                process.terminate()
                process.wait(10)
    return {"requests/s": {name: _spread(values) for name, values in rates.items()},
            "server CPU µs per request": {name: _spread(values) for name, values in cpu.items()}}


async def main() -> None:
    os.sched_setaffinity(0, {1})  # the client and the direct spends on core 1; the served process on core 0
    url = postgres_url()
    if url is None:
        raise SystemExit("the throttle bench needs PostgreSQL at 127.0.0.1:5432")
    upgrade(url)
    results = {"spend µs": await spends(url), **await served(url)}
    for section, rows in results.items():
        print(section)
        for name, row in rows.items():
            print(f"  {name:<12} median {row['median']:>9}   spread {row['min']}–{row['max']}")
    OUT.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
