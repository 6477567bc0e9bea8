import pytest

from tests.api.world import World
from tests.reconcile import assert_ledgers_reconcile


@pytest.fixture
def world(api) -> World:
    return World(api)


@pytest.fixture
def claims(world):
    from tests.api.claims_world import Claims

    return Claims(world)


@pytest.fixture(autouse=True)
async def ledgers_reconcile_after_every_test(app):
    """Ledger balances equal the sum of their entries after every test."""
    yield
    await assert_ledgers_reconcile(app.state.database)


@pytest.fixture
def appeals(world, claims):
    from tests.api.appeals_world import Appeals

    return Appeals(world, claims)


@pytest.fixture
def coupons(api, world):
    from tests.api.coupons_world import Coupons

    return Coupons(api, world)


@pytest.fixture
def campaigns(api, world, coupons):
    from tests.api.campaigns_world import Campaigns

    return Campaigns(api, world, coupons)
