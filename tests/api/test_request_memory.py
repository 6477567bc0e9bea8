"""What a request loaded goes when the request does: graphql-core's execution context is a reference cycle that
holds the request's context, and without ``Loaders.release`` every claim, order and amount a page loaded stayed
in memory until the garbage collector came by (about 1,300 objects for a page of 50 claims), which under load
made every collection longer."""

from __future__ import annotations

import gc

from domain.claims.model import Claim, Evidence
from domain.orders.model import Order, OrderLine
from domain.shared.money import Money
from tests.api.test_executor_differential import LIST, some_claims

LOADED = (Claim, Evidence, Order, OrderLine, Money)


async def test_a_pages_loaded_objects_are_freed_with_the_request_not_by_the_collector(api, world, claims):
    await some_claims(world, claims)
    assert not (await api.gql(LIST, {"n": 10}, token=world.platform)).errors
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds unreachable is kept in gc.garbage to be looked at
    try:
        reply = await api.gql(LIST, {"n": 10}, token=world.platform)
        gc.collect()
        left_for_the_collector = [o for o in gc.garbage if isinstance(o, LOADED)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert len(reply.data["claims"]["edges"]) == 3
    assert left_for_the_collector == []
