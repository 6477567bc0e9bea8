"""Production II, operable: SIGTERM. A served process stops accepting, finishes the request it is in the middle of
(a ledger export still streaming) and tells its WebSocket subscribers 1001 before it exits, cleanly."""

from __future__ import annotations

import asyncio
import csv
import io
import signal
from datetime import timedelta

import pytest

from domain.shared.actor import Role
from tests.api.ws_client import opened
from tests.conftest import START
from tests.database import sync_engine
from tests.server_process import served_process

pytestmark = pytest.mark.slow
ROWS = 60_000


def seed_ledger(url: str, shop_id: int) -> None:
    from sqlalchemy import text

    engine = sync_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO ledger_entries (shop_id, kind, bucket, amount_fen, created_at, actor_role, "
                          "actor_id) VALUES (:s, 'DEPOSIT_CREDIT', 'DEPOSIT', 1, :t, 'SERVICE', 'seed')"),
                     [{"s": shop_id, "t": START + timedelta(seconds=n)} for n in range(ROWS)])
        conn.execute(text("UPDATE shop_accounts SET deposit_fen = deposit_fen + :n WHERE shop_id = :s"),
                     {"n": ROWS, "s": shop_id})
    engine.dispose()


async def test_sigterm_finishes_the_request_in_flight_and_closes_subscriptions_with_1001(settings, api, world):
    from schema.common.ids import decode_id

    shop = await world.shop()
    seed_ledger(settings.database_url, decode_id(shop.id, "Shop"))
    async with served_process(settings) as (port, client, process):
        async with opened(port, world.platform) as socket:
            await socket.subscribe()
            await asyncio.sleep(0)  # the subscription is registered server-side before the signal
            headers = {"Authorization": f"Bearer {api.token(Role.MERCHANT, 'merchant-1', shop=shop.id)}"}
            async with client.stream("GET", "/exports/ledger.csv", params={"shopId": shop.id},
                                     headers=headers) as reply:
                assert reply.status_code == 200
                chunks = reply.aiter_bytes()
                received = [await anext(chunks)]
                process.send_signal(signal.SIGTERM)  # mid-request: the export is still streaming
                code, reason = await socket.closed(timeout=10)
                received += [chunk async for chunk in chunks]
            exit_code = await asyncio.to_thread(process.wait, 20)
    rows = list(csv.reader(io.StringIO(b"".join(received).decode("utf-8-sig"), newline="")))
    assert len(rows) == ROWS + 1  # the header and every row: the request in flight was finished
    assert code == 1001 and "shutting down" in reason
    assert exit_code == -signal.SIGTERM  # uvicorn re-raises the signal it handled, so the status tells why it ended
