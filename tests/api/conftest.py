import pytest

from tests.api.world import World


@pytest.fixture
def world(api) -> World:
    return World(api)
