"""SPEC E5–E6 through the API and the delivery worker, against a real HTTP receiver (tests/webhook_receiver.py):
endpoints per owner and nobody else's, the secret shown once, SSRF refusals at registration and at delivery,
signed deliveries of exactly the events an endpoint may see, retries on WEBHOOK_RETRY_DELAYS through a receiver that
fails, times out and recovers (the injectable clock stands in for the hours between tries), FAILED after the last,
and two workers racing for the same rows without a double delivery. The kill -9 test is test_webhook_crashes.py."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from domain.shared.clock import FixedClock
from domain.webhooks.rules import valid_secret
from tests.api.client import Api
from tests.webhook_receiver import receiving
from web.webhooks import DeliveryWorker

CREATE = """mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  endpoint { id url eventTypes enabled shop { id } } secret userErrors { code field message } } }"""
DELETE = """mutation($id: ID!) { deleteWebhookEndpoint(input: {id: $id}) { deletedId userErrors { code } } }"""
LIST = """{ webhookEndpoints { id url eventTypes deliveries(first: 50) { edges { node {
  id status attempts lastAttemptAt lastResponseStatus nextAttemptAt event { id type } } } } } }"""


async def create(api, token, url, types, shop_id=None) -> dict:
    reply = await api.gql(CREATE, {"input": {"url": url, "eventTypes": types, "shopId": shop_id}}, token=token)
    return reply.payload("createWebhookEndpoint")


async def endpoints(api, token) -> list[dict]:
    reply = await api.gql(LIST, token=token)
    assert not reply.errors, reply.errors
    return reply.data["webhookEndpoints"]


def worker(app, clock, **policy) -> DeliveryWorker:
    settings = app.state.settings
    made = replace(settings.webhook_policy, **{"retry_delays": (5, 60, 300), "timeout": 10.0, **policy})
    return DeliveryWorker(app.state.graphql.uow, made, clock)


def soon() -> FixedClock:
    """Deliveries are due from the instant their event committed (the server's clock): the worker starts after."""
    return FixedClock(datetime.now(UTC) + timedelta(seconds=1))


async def test_e6_an_endpoint_is_its_owners_alone_and_its_secret_is_shown_once(api, world):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    made = await create(api, shop.merchant, "https://93.184.216.34/hooks/aftersales", ["CLAIM_SUBMITTED"])
    assert made["userErrors"] == [] and valid_secret(made["secret"])
    assert made["endpoint"]["shop"]["id"] == shop.id and made["endpoint"]["enabled"] is True
    listed = await endpoints(api, shop.merchant)
    assert [e["id"] for e in listed] == [made["endpoint"]["id"]]
    assert made["secret"] not in str(listed)  # never shown again
    assert await endpoints(api, other.merchant) == [] and await endpoints(api, world.platform) == []
    node = await api.gql("query($id: ID!) { node(id: $id) { id } }", {"id": made["endpoint"]["id"]},
                         token=other.merchant)
    assert node.data["node"] is None
    refused = await api.gql(DELETE, {"id": made["endpoint"]["id"]}, token=other.merchant)
    assert [e["code"] for e in refused.payload("deleteWebhookEndpoint")["userErrors"]] == ["NOT_FOUND"]
    wrong_shop = await create(api, shop.merchant, "https://93.184.216.34/x", ["CLAIM_SUBMITTED"], shop_id=other.id)
    assert [e["code"] for e in wrong_shop["userErrors"]] == ["NOT_FOUND"]
    platform = await create(api, world.platform, "https://93.184.216.34/all", ["LEDGER_ENTRY_CREATED"])
    assert platform["endpoint"]["shop"] is None
    assert [e["id"] for e in await endpoints(api, world.platform)] == [platform["endpoint"]["id"]]
    deleted = await api.gql(DELETE, {"id": made["endpoint"]["id"]}, token=shop.merchant)
    assert deleted.payload("deleteWebhookEndpoint")["deletedId"] == made["endpoint"]["id"]
    assert await endpoints(api, shop.merchant) == []
    for role_token in (shop.agent, world.buyer, world.service):
        assert (await api.gql(LIST, token=role_token)).codes == ["FORBIDDEN"]


@pytest.mark.parametrize("url", [
    "http://93.184.216.34/plain-http", "https://127.0.0.1/hook", "https://localhost:8443/hook",
    "https://10.1.2.3/hook", "https://192.168.0.10/hook", "https://172.16.5.5/hook", "https://169.254.169.254/latest",
    "https://100.100.100.200/meta", "https://[::1]/hook", "https://[fd00:ec2::254]/hook",
    "https://[::ffff:127.0.0.1]/hook", "https://0.0.0.0/hook", "https://user:pw@93.184.216.34/hook",
    "ftp://93.184.216.34/hook", "https://no-such-host.invalid/hook", "not a url",
])
async def test_e6_ssrf_refused_at_registration_when_private_addresses_are_not_allowed(settings, world, url):
    from server import create_app

    strict = create_app(replace(settings, webhook_allow_private=False))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=strict), base_url="http://test") as client:
        api = Api(client, settings.secret_key)
        shop = await world.shop()
        made = await create(api, shop.merchant, url, ["CLAIM_SUBMITTED"])
        assert made["endpoint"] is None and made["secret"] is None
        assert [e["code"] for e in made["userErrors"]] == ["UNSAFE_URL"], made
        assert await endpoints(api, shop.merchant) == []
    await strict.state.database.dispose()


async def test_e5_signed_deliveries_of_exactly_the_events_each_endpoint_may_see(api, app, world):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    with receiving() as merchant_side, receiving() as platform_side:
        mine = await create(api, shop.merchant, merchant_side.url, ["LEDGER_ENTRY_CREATED", "ORDER_PLACED"])
        everything = await create(api, world.platform, platform_side.url, ["LEDGER_ENTRY_CREATED"])
        merchant_side.secret, platform_side.secret = mine["secret"], everything["secret"]
        await world.credit(shop, "DEPOSIT", "10.00")
        await world.credit(other, "DEPOSIT", "20.00")  # another shop: the platform's endpoint only
        await world.place(shop, {"cherries": "1"})  # ORDER_PLACED: the merchant's endpoint only
        assert await worker(app, soon()).run_once() == 4
        assert sorted(r.body["type"] for r in merchant_side.received) == ["LEDGER_ENTRY_CREATED", "ORDER_PLACED"]
        assert [r.body["type"] for r in platform_side.received] == ["LEDGER_ENTRY_CREATED"] * 2
        assert all(r.verified for r in merchant_side.received + platform_side.received)
        credit = next(r for r in merchant_side.received if r.body["type"] == "LEDGER_ENTRY_CREATED")
        assert set(credit.body) == {"id", "type", "occurredAt", "data"} and credit.body["data"]["amount"] == "10.00"
        listed = (await endpoints(api, shop.merchant))[0]["deliveries"]["edges"]
        assert [(d["node"]["status"], d["node"]["attempts"], d["node"]["lastResponseStatus"]) for d in listed] == \
            [("SUCCEEDED", 1, 200)] * 2
        assert {d["node"]["id"] for d in listed} == {r.message_id for r in merchant_side.received}
        assert await worker(app, soon()).run_once() == 0  # delivered once


async def test_e5_a_receiver_that_fails_times_out_and_recovers_gets_it_on_the_schedule(api, app, world):
    shop = await world.shop()
    with receiving() as receiver:
        made = await create(api, shop.merchant, receiver.url, ["LEDGER_ENTRY_CREATED"])
        receiver.secret = made["secret"]
        receiver.script = [500, 503, "hang", 200]
        await world.credit(shop, "DEPOSIT", "1.00")
        clock = soon()
        deliver = worker(app, clock, timeout=1.0)  # the receiver's "hang" answers after 2 s
        assert await deliver.run_once() == 1  # 500
        assert await deliver.run_once() == 0  # not due again for 5 s
        state = (await endpoints(api, shop.merchant))[0]["deliveries"]["edges"][0]["node"]
        assert (state["status"], state["attempts"], state["lastResponseStatus"]) == ("PENDING", 1, 500)
        clock.advance(seconds=5)
        assert await deliver.run_once() == 1  # 503
        clock.advance(seconds=59)
        assert await deliver.run_once() == 0
        clock.advance(seconds=1)
        assert await deliver.run_once() == 1  # no answer within the timeout
        state = (await endpoints(api, shop.merchant))[0]["deliveries"]["edges"][0]["node"]
        assert (state["attempts"], state["lastResponseStatus"]) == (3, None)
        clock.advance(seconds=300)
        assert await deliver.run_once() == 1  # 200
        state = (await endpoints(api, shop.merchant))[0]["deliveries"]["edges"][0]["node"]
        assert (state["status"], state["attempts"], state["lastResponseStatus"], state["nextAttemptAt"]) == \
            ("SUCCEEDED", 4, 200, None)
        assert len(receiver.received) == 4 and len(set(receiver.attempts)) == 1  # one webhook-id throughout
        assert len(receiver.processed) == 1 and all(r.verified for r in receiver.received)


async def test_e5_failed_after_the_last_retry_and_visible_with_its_attempts(api, app, world):
    shop = await world.shop()
    with receiving() as receiver:
        await create(api, shop.merchant, receiver.url, ["LEDGER_ENTRY_CREATED"])
        receiver.script = [500] * 10
        await world.credit(shop, "DEPOSIT", "1.00")
        clock = soon()
        deliver = worker(app, clock, retry_delays=(5, 60))
        for step in (0, 5, 60):
            clock.advance(seconds=step)
            assert await deliver.run_once() == 1
        clock.advance(days=1)
        assert await deliver.run_once() == 0
        state = (await endpoints(api, shop.merchant))[0]["deliveries"]["edges"][0]["node"]
        assert (state["status"], state["attempts"], state["lastResponseStatus"], state["nextAttemptAt"]) == \
            ("FAILED", 3, 500, None)


async def test_e6_a_host_that_turns_private_after_registration_is_not_delivered_to(api, app, world):
    shop = await world.shop()
    with receiving() as receiver:
        await create(api, shop.merchant, receiver.url, ["LEDGER_ENTRY_CREATED"])  # allowed: the test default
        await world.credit(shop, "DEPOSIT", "1.00")
        strict = worker(app, soon(), allow_private=False)  # the same address is now refused at delivery time
        assert await strict.run_once() == 1
        assert receiver.received == []
        state = (await endpoints(api, shop.merchant))[0]["deliveries"]["edges"][0]["node"]
        assert (state["status"], state["attempts"], state["lastResponseStatus"]) == ("PENDING", 1, None)


async def test_e5_two_workers_never_deliver_one_attempt_twice(api, app, world):
    shop = await world.shop()
    with receiving() as receiver:
        await create(api, shop.merchant, receiver.url, ["LEDGER_ENTRY_CREATED"])
        for n in range(30):
            await world.credit(shop, "DEPOSIT", f"{n + 1}.00")
        clock = soon()
        made = await asyncio.gather(*(worker(app, clock, batch=7).run_once() for _ in range(4)))
        assert sum(made) == 30
        assert len(receiver.received) == 30 and set(receiver.attempts.values()) == {1}
        listed = (await endpoints(api, shop.merchant))[0]["deliveries"]["edges"]
        assert {(d["node"]["status"], d["node"]["attempts"]) for d in listed} == {("SUCCEEDED", 1)}


async def test_e5_forty_concurrent_creates_stop_at_twenty_endpoints(api, world):
    """Penetration test III, finding 7: the limit was a count read then an insert (40 concurrent creates gave 22–23);
    each endpoint now takes one of its owner's 20 slots under a unique index."""
    shop = await world.shop()
    url = "http://127.0.0.1:9/hook"
    results = await asyncio.gather(*[create(api, shop.merchant, url, ["CLAIM_SUBMITTED"]) for _ in range(40)])
    created = [r for r in results if r["endpoint"]]
    assert len(created) <= 20
    assert all(r["userErrors"] for r in results if not r["endpoint"])
    while (await create(api, shop.merchant, url, ["CLAIM_SUBMITTED"]))["endpoint"]:
        pass  # a racer that gave up left a slot free: fill it
    assert len(await endpoints(api, shop.merchant)) == 20
    other = await world.shop("Other", merchant="merchant-2")  # another owner's slots are its own
    assert (await create(api, other.merchant, url, ["CLAIM_SUBMITTED"]))["endpoint"]


async def test_an_id_is_never_handed_out_twice(api, world, settings):
    """Penetration test III, finding 15: on SQLite an endpoint created after the newest was deleted got its id, and
    its deliveries an old webhook-id. Ids are never reused, on either database (the same for stars)."""
    from tests.api.annotations_ops import STAR, UNSTAR

    shop = await world.shop()
    url = "http://127.0.0.1:9/hook"
    first = (await create(api, shop.merchant, url, ["CLAIM_SUBMITTED"]))["endpoint"]["id"]
    deleted = await api.gql(DELETE, {"id": first}, token=shop.merchant)
    assert deleted.payload("deleteWebhookEndpoint")["deletedId"] == first
    second = (await create(api, shop.merchant, url, ["CLAIM_SUBMITTED"]))["endpoint"]["id"]
    assert second != first
    from tests.database import sync_engine

    def star_ids() -> list[int]:
        from sqlalchemy import text

        engine = sync_engine(settings.database_url)
        with engine.connect() as conn:
            found = [row[0] for row in conn.execute(text("SELECT id FROM agent_stars ORDER BY id"))]
        engine.dispose()
        return found

    assert not (await api.gql(STAR, {"c": "buyer-9"}, token=shop.agent)).errors
    before = star_ids()
    await api.gql(UNSTAR, {"c": "buyer-9"}, token=shop.agent)
    await api.gql(STAR, {"c": "buyer-9"}, token=shop.agent)
    assert star_ids() != before and star_ids()[0] > before[-1]


async def test_e5_one_tenants_slow_receiver_holds_back_no_other_tenants_delivery(api, app, world):
    """Penetration test III, finding 6: a batch takes at most WEBHOOK_PER_ENDPOINT_CONCURRENCY deliveries of one
    endpoint, so the victim's delivery goes out in the first batch, not after the slow tenant's backlog; and a
    delivery this process could not send (its connection pool was full) is not counted as an attempt."""
    import httpx

    from domain.webhooks.services import deliver_due
    from web.webhooks import HttpSender

    slow_shop, victim_shop = await world.shop(), await world.shop("Victim", merchant="merchant-2")
    with receiving() as slow, receiving() as victim:
        slow.secret = (await create(api, slow_shop.merchant, slow.url, ["LEDGER_ENTRY_CREATED"]))["secret"]
        victim.secret = (await create(api, victim_shop.merchant, victim.url, ["LEDGER_ENTRY_CREATED"]))["secret"]
        slow.script = ["hang"] * 20
        for n in range(8):
            await world.credit(slow_shop, "DEPOSIT", f"{n + 1}.00")
        await world.credit(victim_shop, "DEPOSIT", "1.00")
        deliver = worker(app, soon(), timeout=1.0, batch=4, per_endpoint=2)
        assert await deliver_due(deliver.uow, deliver.sender, deliver.queries, deliver.resolver, deliver.policy,
                                 deliver.clock) == 3
        assert [r.body["data"]["amount"] for r in victim.received] == ["1.00"]  # in the first batch
        # one connection for the whole process: the slow receiver holds it, the others could not be sent
        async with httpx.AsyncClient(timeout=httpx.Timeout(1.0), limits=httpx.Limits(max_connections=1)) as tight:
            starved = worker(app, soon(), timeout=1.0, batch=4, per_endpoint=2)
            made = await deliver_due(starved.uow, HttpSender(tight), starved.queries, starved.resolver,
                                     starved.policy, soon())
        assert made == 2
        from sqlalchemy import text

        from tests.database import sync_engine

        engine = sync_engine(app.state.settings.database_url)
        with engine.connect() as conn:
            unsent = conn.execute(text("SELECT attempts, status FROM webhook_deliveries "
                                       "WHERE last_error LIKE 'not sent%'")).all()
        engine.dispose()
        assert [tuple(row) for row in unsent] == [(0, "PENDING")]  # claimed, not sent, not counted
    await deliver.stop()
