"""Whatever can race is decided by the database (README, Design: races). Real parallel requests, both databases."""

from __future__ import annotations

import asyncio

import pytest

from tests.api import processes
from tests.api.world import PAY
from tests.reconcile import assert_ledgers_reconcile

servers, api = processes.fixtures()  # TWO_PROCESSES=1: every request alternates between two served processes
pytestmark = pytest.mark.slow  # real parallel requests: `pytest -m "not slow"` leaves them out


async def test_parallel_payments_of_one_order_succeed_once(api, world):
    shop = await world.shop()
    for _ in range(3):
        order = (await world.place(shop, {"bowl": "1"}))["order"]
        replies = await asyncio.gather(*[
            api.gql(PAY, {"input": {"orderId": order["id"], "succeeded": True}}, token=world.service) for _ in range(8)
        ])
        payloads = [r.payload("recordPayment") for r in replies]
        assert sum(1 for p in payloads if p["order"]) == 1
        assert all(p["userErrors"][0]["code"] == "INVALID_STATE" for p in payloads if not p["order"])


async def test_parallel_credits_all_land_and_reconcile(api, world):
    shop = await world.shop()
    replies = await asyncio.gather(*[world.credit(shop, "DEPOSIT", "1.00") for _ in range(10)])
    assert all(r["userErrors"] == [] for r in replies)
    assert (await world.account(shop))["deposit"]["amount"] == "10.00"
    await assert_ledgers_reconcile(api)
