"""E10 measured (``make bench-webhooks``): what shaping webhook bodies by a ``payloadQuery`` costs.

- **render**: milliseconds to make one body — E5's default JSON, and a ``payloadQuery`` run through the served
  schema as the endpoint's owner (a typed payload, the shop's name: two objects read through the loaders);
- **sustained**: deliveries per second one worker (``web.webhooks.DeliveryWorker``) makes with 100 endpoints of one
  shop, each receiving every ledger event, against a receiver that answers 200 at once (another process, on the
  other core): 20 events → 2,000 deliveries, with default bodies and with query-shaped ones.

The worker runs in this process, pinned to core 0; the receiver is pinned to core 1. The endpoints are written
through the repository, not ``createWebhookEndpoint``: an owner may register 20 (E6), and 100 of one shop is the
load the issue names. Rounds interleave the two kinds; medians and the spread (min–max) are reported."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.run import postgres_url
from domain.events.model import EventQuery, EventType
from domain.shared.actor import Actor, Role
from domain.shared.clock import FixedClock, SystemClock
from domain.shared.money import Money
from domain.shops.model import LedgerBucket
from domain.shops.services import credit_account, register_shop
from domain.webhooks.model import WebhookEndpoint
from domain.webhooks.services import WebhookPolicy
from persistence.db import Database
from persistence.migrate import upgrade
from persistence.uow import SqlUnitOfWorkFactory
from schema import schema
from schema.limits import Limits
from schema.webhooks.bodies import SchemaPayloadQueries
from web.webhooks import DeliveryWorker

QUERY = ("subscription { event { id type occurredAt shop { name } payload { ... on LedgerEventPayload { kind bucket "
         "amount { amount currency } entry { id } } } } }")
ENDPOINTS, EVENTS, ROUNDS, RENDERS = 100, 20, 3, 300
SINK_PORT = 8797
SINK = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})
"""
SERVICE = Actor("payments", Role.SERVICE)


def _spread(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3), "runs": [round(v, 3) for v in values]}


async def _shop(uow: SqlUnitOfWorkFactory) -> int:
    shop = await register_shop(uow(), SERVICE, SystemClock(), "bench orchard")  # its account opens too
    assert shop.id is not None
    return shop.id


async def _endpoints(uow: SqlUnitOfWorkFactory, shop_id: int, query: str | None) -> None:
    """100 enabled endpoints of the shop, each receiving every ledger event; the earlier ones disabled."""
    async with uow() as work:
        for old in await work.webhooks.owned(Role.MERCHANT, shop_id):
            await work.webhooks.update(replace(old, enabled=False))
        taken = len(await work.webhooks.owned(Role.MERCHANT, shop_id))
        for n in range(ENDPOINTS):
            await work.webhooks.add(WebhookEndpoint(
                url=f"http://127.0.0.1:{SINK_PORT}/e{n}", event_types=frozenset({EventType.LEDGER_ENTRY_CREATED}),
                owner_role=Role.MERCHANT, owner_id="merchant-bench", shop_id=shop_id, secret="whsec_" + "A" * 32,
                created_at=datetime.now(UTC), slot=taken + n + 1, payload_query=query))
        await work.commit()


async def _render(uow: SqlUnitOfWorkFactory, shop_id: int, query: str | None) -> float:
    """Milliseconds per body, over RENDERS renders of one event."""
    async with uow(write=False) as reading:
        [event] = await reading.events.since(EventQuery(shop_id=shop_id), None, 1)
    endpoint = WebhookEndpoint(url="http://x/", event_types=frozenset(), owner_role=Role.MERCHANT,
                               owner_id="merchant-bench", shop_id=shop_id, secret="s", created_at=datetime.now(UTC),
                               payload_query=query)
    bodies = SchemaPayloadQueries(schema, Limits(), uow, SystemClock())
    await bodies.render(endpoint, event)  # warm: the document's parse and validation are cached
    started = time.perf_counter()
    for _ in range(RENDERS):
        await bodies.render(endpoint, event)
    return (time.perf_counter() - started) * 1000 / RENDERS


async def _sustained(uow: SqlUnitOfWorkFactory, shop_id: int, query: str | None) -> float:
    """Deliveries per second: the shop's 100 endpoints (shaped by ``query``, or default) × EVENTS events."""
    await _endpoints(uow, shop_id, query)
    for _ in range(EVENTS):
        await credit_account(uow(), SERVICE, SystemClock(), shop_id, LedgerBucket.DEPOSIT, Money.of("1.00"))
    policy = replace(WebhookPolicy(allow_private=True), batch=50, per_endpoint=EVENTS)
    worker = DeliveryWorker(uow, policy, FixedClock(datetime.now(UTC) + timedelta(seconds=1)),
                            queries=SchemaPayloadQueries(schema, Limits(), uow, SystemClock()))
    started = time.perf_counter()
    made = await worker.run_once()
    elapsed = time.perf_counter() - started
    await worker.stop()
    assert made == ENDPOINTS * EVENTS, made
    return made / elapsed


async def measure_one(url: str) -> dict:
    upgrade(url)
    database = Database(url)
    uow = SqlUnitOfWorkFactory(database)
    shop_id = await _shop(uow)
    await credit_account(uow(), SERVICE, SystemClock(), shop_id, LedgerBucket.DEPOSIT, Money.of("1.00"))
    render: dict[str, list[float]] = {"default": [], "payloadQuery": []}
    sustained: dict[str, list[float]] = {"default": [], "payloadQuery": []}
    for _ in range(ROUNDS):
        for label, query in (("default", None), ("payloadQuery", QUERY)):
            render[label].append(await _render(uow, shop_id, query))
            sustained[label].append(await _sustained(uow, shop_id, query))
    await database.dispose()
    return {"ms per body": {k: _spread(v) for k, v in render.items()},
            "deliveries per second (100 endpoints, 1 worker)": {k: _spread(v) for k, v in sustained.items()}}


async def main() -> None:
    os.sched_setaffinity(0, {0})
    folder = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    (folder / "sink.py").write_text(SINK)
    sink = subprocess.Popen(["taskset", "-c", "1", sys.executable, "-m", "uvicorn", "sink:app", "--port",
                             str(SINK_PORT), "--log-level", "warning", "--no-access-log"], cwd=folder)
    try:
        for _ in range(100):
            try:
                httpx.post(f"http://127.0.0.1:{SINK_PORT}/", content=b"{}")
                break
            except httpx.HTTPError:
                await asyncio.sleep(0.05)
        results: dict = {}
        for label, url in (("SQLite", f"sqlite+aiosqlite:///{folder / 'hooks.db'}"), ("PostgreSQL", postgres_url())):
            if url is None:
                results[label] = "no PostgreSQL server on 127.0.0.1:5432"
                continue
            print(f"webhooks on {label} …", flush=True)
            results[label] = await measure_one(url)
    finally:
        sink.kill()
        sink.wait()
    for label, row in results.items():
        if isinstance(row, str):
            print(f"webhooks {label}: {row}")
            continue
        for name, kinds in row.items():
            print(f"{label} {name}: " + "; ".join(
                f"{kind} {v['median']} (min {v['min']}, max {v['max']})" for kind, v in kinds.items()))
    out = Path(__file__).resolve().parent / "results-webhooks.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    asyncio.run(main())
