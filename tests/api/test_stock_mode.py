"""FAST_PATHS=false is the mode to fall back to during an upgrade: it must hold under load as the fast paths do.
A list resolver reads its page with a connection of its own and primes what the fields below it need: stock, the
prime reads with that same connection — were it the loader's own batch, each list would hold one connection while
waiting for a second, and as many concurrent lists as the pool has connections would wait for ever (found by the
executor bench at 15 concurrent claim lists on SQLite: the pool's 5 + 10)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.api.client import Api
from tests.api.test_executor_differential import LIST

pytestmark = pytest.mark.slow

CONCURRENT = 48  # more than either pool holds (SQLite 5 + 10, PostgreSQL 10 + 10)


async def test_more_concurrent_lists_than_the_pool_has_connections_all_answer_in_stock_mode(api, world, claims,
                                                                                            stock_app):
    shop = await world.shop()
    for _ in range(3):
        _, line = await claims.delivered_line(shop)
        await claims.submit(line)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stock_app), base_url="http://test") as client:
        stock = Api(client, api.secret)
        stock.now = api.now
        replies = await asyncio.wait_for(  # a guard against a hang, not a measurement: a deadlock fails here
            asyncio.gather(*(stock.gql(LIST, {"n": 10}, token=world.platform) for _ in range(CONCURRENT))), 120)
    assert [r.errors for r in replies] == [[]] * CONCURRENT
    assert {len(r.data["claims"]["edges"]) for r in replies} == {3}
    assert all(e["node"]["order"]["lines"][0]["product"]["shop"]["id"] == shop.id
               for r in replies for e in r.data["claims"]["edges"])
