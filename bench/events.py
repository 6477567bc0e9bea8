"""E8 and E4 measured (part of ``make bench``; alone: ``make bench-events``):

- the outbox's cost on a write workload: ``creditShopAccount`` (one ledger entry, one event) in mutations/s and
  CPU per mutation, with the outbox and without it (``bench/no_outbox.py``), same run, same database kind;
- event-to-subscriber latency with 100 live subscribers on one server: for each of 200 mutations, from the moment
  its request is sent (so the figure includes the mutation itself) to each subscriber's receipt of its event."""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

from bench.run import SECRET, drive, postgres_url, start, wait_ready
from domain.shared.actor import Role
from persistence.migrate import upgrade
from web.auth import mint_token

CREDIT = """mutation($shop: ID!) { creditShopAccount(input: {shopId: $shop, bucket: DEPOSIT, amount: "1.00"}) {
  userErrors { code } } }"""
SUBSCRIBE = 'subscription { events(filter: {types: [LEDGER_ENTRY_CREATED]}) { id data } }'
SUBSCRIBERS, MUTATIONS = 100, 200


async def _shop(port: int, platform: str) -> str:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        reply = await client.post("/graphql", json={"query": 'mutation { registerShop(input: {name: "bench"}) '
                                                             '{ shop { id } } }'},
                                  headers={"Authorization": f"Bearer {platform}"})
        return reply.json()["data"]["registerShop"]["shop"]["id"]


async def outbox_cost(url: str, port: int) -> dict:
    platform = mint_token(SECRET, sub="ops", role=Role.PLATFORM)
    service = mint_token(SECRET, sub="svc", role=Role.SERVICE)
    row = {}
    for label, app in (("with outbox", "server:app"), ("without outbox", "bench.no_outbox:app")):
        server = start(url, port, app)
        try:
            await wait_ready(port)
            body = {"query": CREDIT, "variables": {"shop": await _shop(port, platform)}}
            row[label] = {f"c{c}": await drive(port, server.pid, body, service, c) for c in (1, 16)}
        finally:
            server.kill()
            server.wait()
    for c in ("c1", "c16"):
        with_, without = row["with outbox"][c], row["without outbox"][c]
        row[f"cost {c}"] = {"rps_ratio": round(with_["rps"] / without["rps"], 3),
                            "cpu_ms_added": round(with_["cpu_ms_per_request"] - without["cpu_ms_per_request"], 3),
                            "p50_ms_added": round(with_["p50_ms"] - without["p50_ms"], 2)}
    return row


async def subscriber_latency(url: str, port: int) -> dict:
    platform = mint_token(SECRET, sub="ops", role=Role.PLATFORM)
    service = mint_token(SECRET, sub="svc", role=Role.SERVICE)
    server = start(url, port)
    sockets = []
    try:
        await wait_ready(port)
        shop = await _shop(port, platform)
        for _ in range(SUBSCRIBERS):
            ws = await connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                               max_queue=None)
            await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {platform}"}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
            sockets.append(ws)
        latencies: list[float] = []
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            body = {"query": CREDIT, "variables": {"shop": shop}}
            headers = {"Authorization": f"Bearer {service}"}
            await client.post("/graphql", json=body, headers=headers)  # the subscriptions are live from here
            for ws in sockets:
                await asyncio.wait_for(ws.recv(), 30)

            async def receipt(ws) -> float:
                await asyncio.wait_for(ws.recv(), 30)
                return time.perf_counter()

            for _ in range(MUTATIONS):
                receipts = [asyncio.ensure_future(receipt(ws)) for ws in sockets]
                sent = time.perf_counter()
                await client.post("/graphql", json=body, headers=headers)
                latencies.extend(t - sent for t in await asyncio.gather(*receipts))
    finally:
        for ws in sockets:
            await ws.close()
        server.kill()
        server.wait()
    latencies.sort()
    return {"subscribers": SUBSCRIBERS, "events": MUTATIONS, "deliveries": len(latencies),
            "p50_ms": round(statistics.median(latencies) * 1000, 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
            "max_ms": round(latencies[-1] * 1000, 2)}


async def measure(port: int = 8790) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bench-events-"))
    results: dict = {}
    for label, url in (("SQLite", f"sqlite+aiosqlite:///{folder / 'events.db'}"), ("PostgreSQL", postgres_url())):
        if url is None:
            results[label] = "no PostgreSQL server on 127.0.0.1:5432"
            continue
        upgrade(url)
        print(f"events on {label} …", flush=True)
        results[label] = {"outbox cost (creditShopAccount)": await outbox_cost(url, port),
                          "event to subscriber": await subscriber_latency(url, port)}
    return results


def report(results: dict) -> None:
    for label, row in results.items():
        if isinstance(row, str):
            print(f"events {label}: {row}")
            continue
        cost, latency = row["outbox cost (creditShopAccount)"], row["event to subscriber"]
        for c in ("c1", "c16"):
            with_, without = cost["with outbox"][c], cost["without outbox"][c]
            print(f"outbox {label} {c}: {with_['rps']} mutations/s with, {without['rps']} without "
                  f"(×{cost['cost ' + c]['rps_ratio']}); CPU {with_['cpu_ms_per_request']} vs "
                  f"{without['cpu_ms_per_request']} ms/mutation (+{cost['cost ' + c]['cpu_ms_added']}); "
                  f"p50 {with_['p50_ms']} vs {without['p50_ms']} ms")
        print(f"subscribers {label}: {latency['subscribers']} subscribers × {latency['events']} events: "
              f"p50 {latency['p50_ms']} ms, p99 {latency['p99_ms']} ms, max {latency['max_ms']} ms")


async def main() -> None:
    results = await measure()
    report(results)
    out = Path(__file__).resolve().parent / "results-events.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    asyncio.run(main())
