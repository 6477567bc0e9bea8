"""Kill -9 the real server (uvicorn) at random points of a write-heavy load, 20 times; after each restart
the ledgers reconcile, every acknowledged write is there, and nothing half-written remains. With TWO_PROCESSES=1
(CI's PostgreSQL run) a second process shares the load and the database throughout, as a replica behind a load
balancer would, while the first is killed and restarted."""

from __future__ import annotations

import asyncio
import os
import random
import signal

import httpx
import pytest

from domain.shared.actor import Role
from persistence.reconcile import reconcile
from tests.api.processes import TWO_PROCESSES
from tests.server_process import free_port, start, wait_healthy
from web.auth import mint_token

pytestmark = pytest.mark.slow  # server processes killed mid-request: `pytest -m "not slow"` leaves them out

KILLS = int(os.environ.get("CRASH_KILLS", "20"))
CREDIT = """mutation($shop: ID!) { creditShopAccount(input: {shopId: $shop, bucket: DEPOSIT, amount: "1.00"}) {
  account { deposit { amount } } userErrors { code } } }"""
SHOP = 'mutation($n: String!) { registerShop(input: {name: $n}) { shop { id } } }'


@pytest.mark.skipif(os.environ.get("SKIP_CRASH_TESTS") == "1", reason="SKIP_CRASH_TESTS=1")
async def test_kill_minus_nine_loses_nothing_committed(settings, app):
    rng = random.Random(7)
    platform = mint_token(settings.secret_key, sub="ops", role=Role.PLATFORM)
    service = mint_token(settings.secret_key, sub="svc", role=Role.SERVICE)
    port = free_port()
    acknowledged: dict[str, int] = {}
    pending: set[asyncio.Task] = set()
    in_flight_at_kill = 0
    steady_port = free_port() if TWO_PROCESSES else port
    steady = start(settings, steady_port) if TWO_PROCESSES else None
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client, \
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{steady_port}", timeout=5) as other:
        if steady is not None:
            await wait_healthy(other, steady)
        clients = [client, other] if steady is not None else [client]
        shops: list[str] = []
        for _ in range(KILLS):
            process = start(settings, port)
            try:
                await wait_healthy(client, process)
                if not shops:
                    for n in range(3):
                        reply = await client.post("/graphql", json={"query": SHOP, "variables": {"n": f"crash-{n}"}},
                                                  headers={"Authorization": f"Bearer {platform}"})
                        shops.append(reply.json()["data"]["registerShop"]["shop"]["id"])
                    acknowledged.update({shop: 0 for shop in shops})
                pending.clear()

                async def credit(shop: str) -> None:
                    reply = await rng.choice(clients).post(
                        "/graphql", json={"query": CREDIT, "variables": {"shop": shop}},
                        headers={"Authorization": f"Bearer {service}"})
                    if reply.json()["data"]["creditShopAccount"]["account"] is not None:
                        acknowledged[shop] += 1

                async def load() -> None:
                    while True:
                        task = asyncio.ensure_future(credit(rng.choice(shops)))
                        pending.add(task)
                        task.add_done_callback(pending.discard)
                        if len(pending) >= 8:
                            await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)

                driver = asyncio.ensure_future(load())
                await asyncio.sleep(rng.uniform(0.1, 0.6))
                in_flight_at_kill += len(pending)
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
                driver.cancel()
                await asyncio.gather(driver, *pending, return_exceptions=True)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait(timeout=10)
        if steady is not None:
            steady.terminate()
            steady.wait(timeout=10)
    assert await reconcile(app.state.database) == []
    from sqlalchemy import func, select

    from persistence.shops.tables import LedgerEntryRow
    from schema.common.ids import split_id

    async with app.state.database.read_sessions() as session:
        for shop, count in acknowledged.items():
            entries = (await session.execute(select(func.count()).select_from(LedgerEntryRow).where(
                LedgerEntryRow.shop_id == split_id(shop)[1]))).scalar_one()
            assert count <= entries <= count + in_flight_at_kill, (shop, count, entries)
    print(f"crashes survived: {KILLS}; acknowledged credits: {sum(acknowledged.values())}; "
          f"in flight at the kills: {in_flight_at_kill}; violations: 0")


async def test_readiness_notices_the_sqlite_file_removed_while_running(settings, tmp_path):
    """Penetration test III, finding 16: deleting the SQLite file while serving acknowledged writes that were then
    lost, and /health said 200. Readiness now compares the file with the one the process opened."""
    from dataclasses import replace

    from persistence.db import is_sqlite
    from persistence.migrate import upgrade
    from tests.server_process import served

    if not is_sqlite(settings.database_url):
        pytest.skip("a SQLite file")
    # a database file of its own (never a copy of the suite's: opening and closing a file SQLite has open in this
    # process releases that process's locks on it)
    copy = tmp_path / "own.db"
    upgrade(f"sqlite+aiosqlite:///{copy}")
    async with served(replace(settings, database_url=f"sqlite+aiosqlite:///{copy}")) as (_port, client):
        assert (await client.get("/health/ready")).status_code == 200
        copy.unlink()
        reply = await client.get("/health/ready")
        assert reply.status_code == 503 and reply.json()["database"] == "the database file was removed"
