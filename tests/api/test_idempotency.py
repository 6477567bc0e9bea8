"""Idempotency-Key on mutation requests."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.api import processes

servers, api = processes.fixtures()  # TWO_PROCESSES=1: every request alternates between two served processes
SHOP = 'mutation($n: String!) { registerShop(input: {name: $n}) { shop { id name } userErrors { code } } }'
SHOPS = "{ claims { totalCount } }"


async def post(api, token, query, variables, key=None, now=None):
    headers = {"Authorization": f"Bearer {token}", "X-Now": (now or api.now).isoformat()}
    if key is not None:
        headers["Idempotency-Key"] = key
    return await api.client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


async def shop_count(api) -> int:
    client = getattr(api.client, "in_process", api.client)
    database = client._transport.app.state.database
    from sqlalchemy import func, select

    from persistence.shops.tables import ShopRow

    async with database.read_sessions() as session:
        return (await session.execute(select(func.count()).select_from(ShopRow))).scalar_one()


async def test_a_replay_returns_the_stored_response_and_changes_nothing(api, world):
    first = await post(api, world.platform, SHOP, {"n": "Once"}, key="k-1")
    again = await post(api, world.platform, SHOP, {"n": "Once"}, key="k-1")
    assert first.json() == again.json() and again.headers.get("Idempotent-Replayed") == "true"
    assert await shop_count(api) == 1
    third = await post(api, world.platform, SHOP, {"n": "Once"})  # no key: a new effect
    assert third.json()["data"]["registerShop"]["shop"]["id"] != first.json()["data"]["registerShop"]["shop"]["id"]


async def test_the_same_key_for_another_request_is_a_conflict(api, world):
    await post(api, world.platform, SHOP, {"n": "A"}, key="k-2")
    other = await post(api, world.platform, SHOP, {"n": "B"}, key="k-2")
    assert other.status_code == 409 and other.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_CONFLICT"
    assert await shop_count(api) == 1


async def test_keys_belong_to_their_caller(api, world):
    from domain.shared.actor import Role

    await post(api, world.platform, SHOP, {"n": "A"}, key="shared")
    other_ops = api.token(Role.PLATFORM, "ops-2")
    reply = await post(api, other_ops, SHOP, {"n": "A"}, key="shared")
    assert reply.json()["data"]["registerShop"]["shop"] and await shop_count(api) == 2


async def test_concurrent_requests_with_one_key_make_one_effect(api, world):
    replies = await asyncio.gather(*[post(api, world.platform, SHOP, {"n": "Race"}, key="k-race") for _ in range(8)])
    bodies = [r.json() for r in replies]
    assert await shop_count(api) == 1
    assert all(b == bodies[0] for b in bodies) and bodies[0]["data"]["registerShop"]["shop"]["name"] == "Race"


async def test_keys_expire_after_a_day(api, world):
    await post(api, world.platform, SHOP, {"n": "Old"}, key="k-old")
    later = api.now + timedelta(hours=24, seconds=1)
    await post(api, world.platform, SHOP, {"n": "Old"}, key="k-old", now=later)
    assert await shop_count(api) == 2


async def test_a_failed_mutation_records_no_key(api, world):
    bad = await post(api, world.platform, SHOP, {"n": ""}, key="k-bad")
    assert bad.json()["data"]["registerShop"]["userErrors"] == [{"code": "INVALID_INPUT"}]
    good = await post(api, world.platform, SHOP, {"n": ""}, key="k-bad")
    assert good.headers.get("Idempotent-Replayed") is None  # nothing was stored: it ran again


async def test_queries_ignore_the_header(api, world):
    reply = await post(api, world.platform, SHOPS, {}, key="k-q")
    assert reply.json()["data"]["claims"]["totalCount"] == 0 and reply.headers.get("Idempotent-Replayed") is None


async def test_the_wrappers_read_and_parse_the_body_once(api, world, monkeypatch):
    """Trusted documents, then the idempotency key: one read and one parse of the body between them."""
    import orjson

    import web.asgi

    reads, parses = [], []
    read_body, loads = web.asgi.read_body, orjson.loads

    async def counted_read(receive):
        reads.append(1)
        return await read_body(receive)

    def counted_loads(data):
        parses.append(1)
        return loads(data)

    monkeypatch.setattr(web.asgi, "read_body", counted_read)
    monkeypatch.setattr(web.asgi.orjson, "loads", counted_loads)
    monkeypatch.setattr(api, "client", getattr(api.client, "in_process", api.client))  # counted in this process
    reply = await post(api, world.platform, SHOP, {"n": "Parsed once"}, key="k-once")
    assert reply.json()["data"]["registerShop"]["shop"]["name"] == "Parsed once"
    assert (len(reads), len(parses)) == (1, 1)


async def test_a_document_of_several_operations_without_a_name_is_refused_before_anything_runs(api, world):
    """Production II (3): which operation a request runs is decided once; a document of several operations and no
    ``operationName`` runs none of them, so it can never slip past the key and act three times."""
    several = SHOP + " query Other { claims { totalCount } }"
    replies = [await post(api, world.platform, several, {"n": "Thrice"}, key="k-several") for _ in range(3)]
    assert {r.json()["errors"][0]["extensions"]["code"] for r in replies} == {"BAD_REQUEST"}
    assert await shop_count(api) == 0


async def test_a_key_is_scoped_by_the_shop_too(api, world):
    """Production II (3): agents of two shops with the same ``sub`` never see each other's stored responses."""
    from domain.shared.actor import Role

    first, second = await world.shop(), await world.shop("Other", merchant="merchant-2")
    remark = ('mutation($c: String!, $t: String!) { setCustomerRemark(input: {customerId: $c, text: $t}) '
              '{ profile { remark { text } } userErrors { code } } }')
    one = await post(api, api.token(Role.AGENT, "agent-7", shop=first.id), remark, {"c": "b-1", "t": "A"}, key="same")
    two = await post(api, api.token(Role.AGENT, "agent-7", shop=second.id), remark, {"c": "b-1", "t": "B"}, key="same")
    assert one.json()["data"]["setCustomerRemark"]["profile"]["remark"]["text"] == "A"
    assert two.status_code == 200 and two.headers.get("Idempotent-Replayed") is None
    assert two.json()["data"]["setCustomerRemark"]["profile"]["remark"]["text"] == "B"


async def test_two_authorization_headers_are_refused(api, world):
    """Production II (3): the request would run as one caller and store its key under the other."""
    headers = [("Authorization", f"Bearer {world.platform}"), ("Authorization", f"Bearer {world.buyer}"),
               ("Idempotency-Key", "k-two"), ("X-Now", api.now.isoformat())]
    reply = await api.client.post("/graphql", json={"query": SHOP, "variables": {"n": "Two"}}, headers=headers)
    assert reply.status_code == 400 and reply.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert await shop_count(api) == 0


async def test_a_secret_shown_once_is_never_kept_for_replays(api, settings):
    """Penetration test III, finding 16: the webhook secret was stored in the idempotency table and replayed."""
    from sqlalchemy import text

    from domain.shared.actor import Role
    from tests.database import sync_engine

    token = api.token(Role.PLATFORM, "ops-1")
    create = ('mutation { createWebhookEndpoint(input: {url: "http://127.0.0.1:9/hook", eventTypes: [CLAIM_SUBMITTED]})'
              ' { endpoint { id } secret userErrors { code } } }')
    first = await post(api, token, create, {}, key="hook-1")
    second = await post(api, token, create, {}, key="hook-1")
    made = first.json()["data"]["createWebhookEndpoint"]
    assert made["secret"].startswith("whsec_")
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json()["data"]["createWebhookEndpoint"] == {**made, "secret": None}
    engine = sync_engine(settings.database_url)
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT count(*) FROM idempotency_keys WHERE response_body LIKE '%whsec_%'"))
        assert kept.scalar_one() == 0
    engine.dispose()
