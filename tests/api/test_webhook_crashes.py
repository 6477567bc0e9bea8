"""SPEC E5: deliveries are rows, not memory. The server is killed with SIGKILL while its deliveries are in flight
(the receiver has them and has not answered), three times; after each restart they are claimed again once their
lease runs out and sent with the same `webhook-id`, so the receiver acts on each event once. In the end every
delivery is SUCCEEDED, with the attempts the kills cost."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest

from tests.api.client import Api
from tests.api.test_webhooks import create, endpoints
from tests.api.world import World
from tests.conftest import START
from tests.server_process import free_port, start, wait_healthy
from tests.webhook_receiver import receiving

pytestmark = pytest.mark.slow  # server processes killed mid-delivery

KILLS, EVENTS = 3, 5
# A lease of 7 s (the wait after each kill); a try that timed out before its kill is retried after 1 s
# every delivery of the one endpoint in flight at once when the process is killed
ENV = {"WEBHOOK_TIMEOUT_SECONDS": "5", "WEBHOOK_POLL_SECONDS": "0.2", "WEBHOOK_RETRY_DELAYS": "1,1,1,1,1,1",
       "WEBHOOK_PER_ENDPOINT_CONCURRENCY": str(EVENTS)}


async def test_kill_minus_nine_during_delivery_loses_and_doubles_nothing(settings):
    port = free_port()
    with receiving() as receiver:
        receiver.script = ["hold"] * EVENTS
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            process = start(settings, port, **ENV)
            try:
                await wait_healthy(client, process)
                api = Api(client, settings.secret_key)
                api.now = START
                world = World(api)
                shop = await world.shop()
                receiver.secret = (await create(api, shop.merchant, receiver.url, ["LEDGER_ENTRY_CREATED"]))["secret"]
                for n in range(EVENTS):
                    await world.credit(shop, "DEPOSIT", f"{n + 1}.00")
                for kill in range(KILLS):
                    await asyncio.to_thread(receiver.wait_for, EVENTS * (kill + 1))  # all in flight, unanswered
                    process.kill()
                    process.wait()
                    receiver.script = ["hold"] * EVENTS if kill < KILLS - 1 else []
                    held, receiver.release = receiver.release, threading.Event()
                    held.set()  # the answers go to a dead process
                    process = start(settings, port, **ENV)
                    await wait_healthy(client, process)
                await asyncio.to_thread(receiver.wait_for, EVENTS * (KILLS + 1))
                states = await _settled(api, shop.merchant)
            finally:
                process.kill()
                process.wait()
        assert [status for _, status, _ in states] == ["SUCCEEDED"] * EVENTS
        counted = {id: attempts for id, _, attempts in states}  # a try killed between its claim and its POST counts
        assert counted.keys() == receiver.attempts.keys()
        assert all(counted[id] >= sent for id, sent in receiver.attempts.items())
        assert min(receiver.attempts.values()) >= KILLS + 1  # the kills cost a try each, nothing was lost
        assert len(receiver.processed) == EVENTS and all(r.verified for r in receiver.received)  # acted on once
        print(f"webhook kills: {KILLS} kills with {EVENTS} deliveries in flight each; all {EVENTS} delivered, "
              f"{len(receiver.received)} requests, {len(receiver.processed)} acted on")


async def _settled(api, token) -> list[tuple[str, str, int]]:
    """The deliveries once none is PENDING (the server records the last answers just after the receiver sent them)."""
    deadline = time.monotonic() + 30
    while True:
        listed = (await endpoints(api, token))[0]["deliveries"]["edges"]
        states = [(d["node"]["id"], d["node"]["status"], d["node"]["attempts"]) for d in listed]
        if all(status != "PENDING" for _, status, _ in states) or time.monotonic() > deadline:
            return states
        await asyncio.sleep(0.05)
