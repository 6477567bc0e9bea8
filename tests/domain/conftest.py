import pytest

from tests.domain.service_world import World, make_world


@pytest.fixture
async def world() -> World:
    """A shop with four fresh products and a ¥5,000 deposit, on an in-memory unit of work."""
    return await make_world()
