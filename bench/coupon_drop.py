"""Issue 34's instrument (``make bench-drop``): a live room drops a coupon — 3,000 buyers, 1,500 in stock, 64
requests in flight — through the API (two uvicorn workers, pinned to core 0) and, in the same invocation, the same
logical transaction sent straight through psycopg at the same concurrency: take one from stock if any is left,
insert the coupon, insert one event row, commit. Both on PostgreSQL (127.0.0.1:5432, database ``bench``); the client
on core 1. Rounds interleave the two; medians and the spread (min–max) of claims/s, and the API's p50 and p99
latency, go to ``bench/coupon_drop.json``.

After every round the invariants are checked: exactly the stock granted, one coupon and one COUPON_CLAIMED event
per grant, nobody above the per-user limit."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg

from bench.run import CLAIM_COUPON, ROOT, SECRET, new_template, postgres_url, wait_ready
from domain.shared.actor import Role
from persistence.migrate import upgrade
from schema.common.ids import split_id
from web.auth import mint_token

ROUNDS = int(os.environ.get("DROP_ROUNDS", "3"))
BUYERS, STOCK, IN_FLIGHT, WORKERS = 3_000, 1_500, 64, 2
OUT = Path(__file__).with_name("coupon_drop.json")


def _spread(values: list[float], places: int = 1) -> dict:
    return {"median": round(statistics.median(values), places), "min": round(min(values), places),
            "max": round(max(values), places)}


def serve(url: str, port: int) -> subprocess.Popen:
    environment = {**os.environ, "APP_ENV": "dev", "DATABASE_URL": url, "SECRET_KEY": SECRET,
                   "MIGRATE_ON_START": "false", "THROTTLE_MAX_COST": "0"}
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "server:app", "--host", "127.0.0.1", "--port",
                                str(port), "--workers", str(WORKERS), "--log-level", "warning", "--no-access-log"],
                               cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
                               stderr=open(os.environ.get("DROP_SERVER_LOG", os.devnull), "a"))  # noqa: SIM115
    os.sched_setaffinity(process.pid, {0})  # the workers inherit the affinity when they are forked
    return process


async def through_the_api(port: int, template: str, round_: int) -> dict:
    latencies: list[float] = []
    queue = list(range(BUYERS))
    granted = errors = dropped = 0
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60,
                                 limits=httpx.Limits(max_connections=IN_FLIGHT)) as client:
        async def buyer() -> None:
            nonlocal granted, errors, dropped
            while queue:
                n = queue.pop()
                token = mint_token(SECRET, sub=f"drop-{round_}-{n}", role=Role.BUYER)
                began = time.perf_counter()
                try:
                    reply = await client.post("/graphql", json={"query": CLAIM_COUPON, "variables": {"id": template}},
                                              headers={"Authorization": f"Bearer {token}"})
                except httpx.TransportError:  # a connection the server closed: counted, and the buyer tries again
                    dropped += 1
                    queue.append(n)
                    continue
                latencies.append(time.perf_counter() - began)
                if reply.status_code >= 500:
                    errors += 1
                    continue
                granted += reply.json()["data"]["claimCoupon"]["coupon"] is not None

        began = time.perf_counter()
        await asyncio.gather(*[buyer() for _ in range(IN_FLIGHT)])
        elapsed = time.perf_counter() - began
    latencies.sort()
    return {"claims/s": granted / elapsed, "requests/s": BUYERS / elapsed, "granted": granted, "5xx": errors,
            "connections dropped": dropped,
            "p50 ms": latencies[len(latencies) // 2] * 1000, "p99 ms": latencies[int(len(latencies) * 0.99)] * 1000}


async def database_alone(dsn: str, template_pk: int, round_: int) -> dict:
    """The same logical transaction at the same concurrency, with nothing in between."""
    queue = list(range(BUYERS))
    granted = 0
    now = datetime.now(UTC)

    async def buyer() -> None:
        nonlocal granted
        async with await psycopg.AsyncConnection.connect(dsn) as conn:
            while queue:
                n = queue.pop()
                async with conn.transaction():
                    took = await conn.execute(
                        "UPDATE coupon_templates SET claimed_count = claimed_count + 1 "
                        "WHERE id = %s AND claimed_count < total_stock", (template_pk,))
                    if took.rowcount != 1:
                        continue
                    row = await (await conn.execute(
                        "INSERT INTO coupons (template_id, owner_id, seq, claimed_at, valid_from, valid_until, status, "
                        "new_user_only, origin, version) "
                        "VALUES (%s, %s, 1, %s, %s, %s, 'AVAILABLE', false, 'CLAIMED', 0) RETURNING id",
                        (template_pk, f"alone-{round_}-{n}", now, now, now + timedelta(days=5))
                    )).fetchone()
                    await conn.execute(
                        "INSERT INTO events (type, occurred_at, actor_role, actor_id, subject_type, subject_key, "
                        "buyer_id, data) VALUES ('COUPON_CLAIMED', %s, 'BUYER', %s, 'Coupon', %s, %s, '{}')",
                        (now, f"alone-{round_}-{n}", str(row[0]), f"alone-{round_}-{n}"))
                granted += 1

    began = time.perf_counter()
    await asyncio.gather(*[buyer() for _ in range(IN_FLIGHT)])
    return {"claims/s": granted / (time.perf_counter() - began), "granted": granted}


async def invariants(dsn: str, template_pk: int) -> None:
    async with await psycopg.AsyncConnection.connect(dsn) as conn:
        claimed, coupons, owners, most = await (await conn.execute(
            "SELECT t.claimed_count, count(c.id), count(DISTINCT c.owner_id), "
            "coalesce(max(n.k), 0) FROM coupon_templates t LEFT JOIN coupons c ON c.template_id = t.id "
            "LEFT JOIN (SELECT owner_id, count(*) AS k FROM coupons WHERE template_id = %s GROUP BY owner_id) n "
            "ON n.owner_id = c.owner_id WHERE t.id = %s GROUP BY t.claimed_count", (template_pk, template_pk)
        )).fetchone()
        events = (await (await conn.execute(
            "SELECT count(*) FROM events WHERE type = 'COUPON_CLAIMED' AND subject_key IN "
            "(SELECT id::text FROM coupons WHERE template_id = %s)", (template_pk,))).fetchone())[0]
    assert claimed == coupons == owners == events == STOCK and most == 1, (claimed, coupons, owners, events, most)


async def main() -> None:
    os.sched_setaffinity(0, {1})
    url = postgres_url()
    if url is None:
        raise SystemExit("the coupon drop needs PostgreSQL at 127.0.0.1:5432")
    upgrade(url)
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    port = 18_700
    server = serve(url, port)
    runs: dict[str, list[dict]] = {"api": [], "database alone": []}
    try:
        await wait_ready(port)
        for round_ in range(ROUNDS):
            template = await new_template(url, stock=STOCK)
            runs["api"].append(await through_the_api(port, template, round_))
            await invariants(dsn, split_id(template)[1])
            alone = await new_template(url, stock=STOCK)
            runs["database alone"].append(await database_alone(dsn, split_id(alone)[1], round_))
            await invariants(dsn, split_id(alone)[1])
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
    results = {
        "api claims/s": _spread([r["claims/s"] for r in runs["api"]]),
        "database alone claims/s": _spread([r["claims/s"] for r in runs["database alone"]]),
        "api / database alone": _spread([a["claims/s"] / d["claims/s"]
                                         for a, d in zip(runs["api"], runs["database alone"], strict=True)], 3),
        "api p50 ms": _spread([r["p50 ms"] for r in runs["api"]]),
        "api p99 ms": _spread([r["p99 ms"] for r in runs["api"]]),
        "api 5xx": sum(r["5xx"] for r in runs["api"]),
        "api connections dropped": [r["connections dropped"] for r in runs["api"]],
    }
    for name, row in results.items():
        print(f"  {name:<26} {row}")
    OUT.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
