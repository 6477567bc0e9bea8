"""Authentication and roles (G6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from domain.shared.actor import Role

VIEWER = "{ viewer { userId role shop { id name } } }"


async def test_missing_token_is_unauthenticated_with_no_data(api):
    reply = await api.gql(VIEWER)
    assert reply.codes == ["UNAUTHENTICATED"]
    assert reply.data is None


@pytest.mark.parametrize("header", ["Bearer", "Bearer not-a-jwt", "Basic abc", "token"])
async def test_malformed_authorization_is_unauthenticated(api, header):
    reply = await api.gql(VIEWER, headers={"Authorization": header})
    assert reply.codes == ["UNAUTHENTICATED"] and reply.data is None


async def test_forged_token_is_unauthenticated(api):
    forged = jwt.encode({"sub": "x", "role": "PLATFORM", "exp": datetime.now(UTC) + timedelta(hours=1)},
                        "another-secret-another-secret-another", algorithm="HS256")
    reply = await api.gql(VIEWER, token=forged)
    assert reply.codes == ["UNAUTHENTICATED"] and reply.data is None


async def test_expired_token_is_unauthenticated(api):
    token = api.token(Role.PLATFORM, now=datetime.now(UTC) - timedelta(hours=2), ttl=timedelta(hours=1))
    reply = await api.gql(VIEWER, token=token)
    assert reply.codes == ["UNAUTHENTICATED"] and "expired" in reply.errors[0]["message"]


async def test_token_without_exp_is_unauthenticated(api, settings):
    token = jwt.encode({"sub": "x", "role": "PLATFORM"}, settings.secret_key, algorithm="HS256")
    assert (await api.gql(VIEWER, token=token)).codes == ["UNAUTHENTICATED"]


async def test_unknown_role_is_unauthenticated(api, settings):
    token = jwt.encode({"sub": "x", "role": "ADMIN", "exp": datetime.now(UTC) + timedelta(hours=1)},
                       settings.secret_key, algorithm="HS256")
    assert (await api.gql(VIEWER, token=token)).codes == ["UNAUTHENTICATED"]


async def test_merchant_token_needs_a_shop(api):
    assert (await api.gql(VIEWER, token=api.token(Role.MERCHANT))).codes == ["UNAUTHENTICATED"]
    assert (await api.gql(VIEWER, token=api.token(Role.AGENT, shop="garbage"))).codes == ["UNAUTHENTICATED"]


async def test_introspection_needs_no_token(api):
    reply = await api.gql("{ __schema { queryType { name } } }")
    assert reply.errors == [] and reply.data["__schema"]["queryType"]["name"] == "Query"


async def test_introspection_with_a_bad_token_is_still_refused(api):
    reply = await api.gql("{ __typename }", headers={"Authorization": "Bearer nope"})
    assert reply.codes == ["UNAUTHENTICATED"]


async def test_mixed_introspection_and_data_needs_a_token(api):
    reply = await api.gql("query { __typename ...F } fragment F on Query { viewer { userId } }")
    assert reply.codes == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("role", [Role.BUYER, Role.PLATFORM, Role.STREAMER, Role.SERVICE])
async def test_viewer_for_each_role(api, role):
    reply = await api.gql(VIEWER, token=api.token(role, "u-42"))
    assert reply.errors == []
    assert reply.data["viewer"] == {"userId": "u-42", "role": role.value, "shop": None}


async def test_viewer_of_a_merchant_shows_the_shop(api, world):
    shop = await world.shop("Sea Shop")
    reply = await api.gql(VIEWER, token=shop.merchant)
    assert reply.data["viewer"]["shop"] == {"id": shop.id, "name": "Sea Shop"}
    assert reply.data["viewer"]["role"] == "MERCHANT"


async def test_wrong_role_is_forbidden(api):
    reply = await api.gql('mutation { registerShop(input: {name: "x"}) { shop { id } userErrors { code } } }',
                          token=api.token(Role.BUYER))
    assert reply.codes == ["FORBIDDEN"]
    assert reply.data is None or reply.data.get("registerShop") is None


async def test_x_now_sets_the_clock_in_test(api, world):
    at = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    shop = await world.shop()
    placed = await world.place(shop, {"bowl": "1"})
    assert placed["order"]["placedAt"] == api.now.isoformat().replace("+00:00", "Z")
    later = await api.gql(
        "mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { order { placedAt } } }",
        {"i": {"shopId": shop.id, "shippingFee": "0", "paymentMethod": "ONLINE",
               "lines": [{"productId": shop.products["bowl"]["id"], "quantity": "1"}]}},
        token=world.buyer, now=at,
    )
    assert later.data["placeOrder"]["order"]["placedAt"] == "2026-03-01T08:30:00Z"


async def test_naive_x_now_is_a_bad_request(api, world):
    reply = await api.client.post("/graphql", json={"query": VIEWER},
                                  headers={"X-Now": "2026-03-01T08:30:00",
                                           "Authorization": f"Bearer {world.platform}"})
    assert reply.status_code == 400


def test_x_now_is_ignored_outside_test(settings):
    from dataclasses import replace

    from domain.shared.clock import SystemClock
    from server import GraphQLApp

    class FakeRequest:
        headers = {"x-now": "2020-01-01T00:00:00+00:00"}

    assert isinstance(GraphQLApp(replace(settings, app_env="dev"), None).clock(FakeRequest()), SystemClock)
    assert not isinstance(GraphQLApp(settings, None).clock(FakeRequest()), SystemClock)


def test_a_cached_token_still_expires(monkeypatch, settings):
    """Verified tokens are cached; their expiry is checked on every use."""
    import time as real_time

    from web import auth

    token = auth.mint_token(settings.secret_key, sub="cache", role=Role.PLATFORM, ttl=timedelta(hours=1))
    assert auth.authenticate(f"Bearer {token}", settings.secret_key)[0] is not None
    later = real_time.time() + 2 * 3600
    monkeypatch.setattr(auth.time, "time", lambda: later)
    actor, problem = auth.authenticate(f"Bearer {token}", settings.secret_key)
    assert actor is None and "expired" in problem
