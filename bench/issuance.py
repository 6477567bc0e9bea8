"""W12 measured (``make bench-issuance``): buyers issued per second by one ``issueCoupons`` of 1,000 buyers — one
transaction: the template's row locked, one conditional UPDATE of the stock, one INSERT of the coupons and one of
their events — against the same 1,000 coupons claimed one ``claimCoupon`` at a time (8 in flight), the path the
issuance replaces.

One served process pinned to core 0 per database (SQLite in a temporary file, PostgreSQL at 127.0.0.1:5432), the
client on core 1. Rounds interleave the variants and the databases; medians and the spread (min–max) are reported
and written to ``bench/issuance.json``, with the SQL statements of one call of 10, 100 and 1,000 buyers."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.run import CLAIM_COUPON, SECRET, new_template, postgres_url, start, statements, wait_ready
from domain.shared.actor import Role
from persistence.migrate import upgrade
from web.auth import mint_token

ROUNDS, BUYERS, IN_FLIGHT = 5, 1_000, 8
OUT = Path(__file__).with_name("issuance.json")
ISSUE = """mutation($id: ID!, $buyers: [String!]!) { issueCoupons(input: {templateId: $id, buyerIds: $buyers}) {
  results { buyerId refusal coupon { id } } userErrors { code } } }"""


def _spread(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 1), "min": round(min(values), 1),
            "max": round(max(values), 1)}


async def issue(client: httpx.AsyncClient, template: str, round_: int) -> float:
    token = mint_token(SECRET, sub="ops", role=Role.PLATFORM)
    buyers = [f"r{round_}-buyer-{n}" for n in range(BUYERS)]
    began = time.perf_counter()
    reply = await client.post("/graphql", json={"query": ISSUE, "variables": {"id": template, "buyers": buyers}},
                              headers={"Authorization": f"Bearer {token}"})
    elapsed = time.perf_counter() - began
    results = reply.json()["data"]["issueCoupons"]["results"]
    assert sum(1 for r in results if r["coupon"]) == BUYERS, reply.text[:300]
    return BUYERS / elapsed


async def claim_one_by_one(client: httpx.AsyncClient, template: str, round_: int) -> float:
    queue = list(range(BUYERS))

    async def worker() -> None:
        while queue:
            n = queue.pop()
            token = mint_token(SECRET, sub=f"c{round_}-buyer-{n}", role=Role.BUYER)
            reply = await client.post("/graphql", json={"query": CLAIM_COUPON, "variables": {"id": template}},
                                      headers={"Authorization": f"Bearer {token}"})
            assert reply.json()["data"]["claimCoupon"]["coupon"], reply.text[:300]

    began = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(IN_FLIGHT)])
    return BUYERS / (time.perf_counter() - began)


async def main() -> None:
    os.sched_setaffinity(0, {1})
    urls = {"sqlite": f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='bench-issue-')}/bench.db"}
    if (pg := postgres_url()) is not None:
        urls["postgresql"] = pg
    rates: dict[str, list[float]] = {}
    for index, (name, url) in enumerate(urls.items()):
        upgrade(url)
        port = 18_500 + index
        process = start(url, port)
        os.sched_setaffinity(process.pid, {0})
        try:
            await wait_ready(port)
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
                for round_ in range(ROUNDS):
                    for variant, run in (("issueCoupons", issue), ("claimCoupon ×1,000", claim_one_by_one)):
                        template = await new_template(url, stock=BUYERS)
                        rates.setdefault(f"{name} {variant}", []).append(await run(client, template, round_))
        finally:
            process.terminate()
            process.wait(10)
    counts: dict[str, dict[int, int]] = {}
    token = mint_token(SECRET, sub="ops", role=Role.PLATFORM)
    for name, url in urls.items():  # statements of one call, in-process: bounded, whatever the number of buyers
        for size in (10, 100, 1_000):
            template = await new_template(url, stock=size)
            body = {"query": ISSUE, "variables": {"id": template, "buyers": [f"s{size}-{n}" for n in range(size)]}}
            counts.setdefault(name, {})[size] = await statements(url, body, token)
    results = {"buyers/s": {name: _spread(values) for name, values in rates.items()},
               "SQL statements per call (10, 100, 1,000 buyers)": counts}
    for name, row in results["buyers/s"].items():
        print(f"  {name:<32} median {row['median']:>9} buyers/s   spread {row['min']}–{row['max']}")
    for name, by_size in counts.items():
        print(f"  {name:<32} statements per call: {by_size}")
    OUT.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
