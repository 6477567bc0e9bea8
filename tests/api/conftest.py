import pytest

from tests.api.world import World


@pytest.fixture
def world(api) -> World:
    return World(api)


@pytest.fixture
def claims(world):
    from tests.api.claims_world import Claims

    return Claims(world)
