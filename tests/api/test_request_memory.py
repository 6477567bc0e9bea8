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


async def test_the_server_collects_its_youngest_generation_less_often(app):
    """Since a request's objects go by reference counting (above), the served process raises the collector's
    first threshold (server.GC_THRESHOLDS): a page no longer pays for collections that find nothing."""
    from server import GC_THRESHOLDS

    before = gc.get_threshold()
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_threshold() == GC_THRESHOLDS
            assert GC_THRESHOLDS[0] > before[0]
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
