"""SPEC E10 through the API, the delivery worker and real receivers (tests/webhook_receiver.py, verifying with the
`standardwebhooks` package): an endpoint's ``payloadQuery`` shapes its bodies — the document's result for the event,
run as the endpoint's owner (G6 inside bodies), kept at the first attempt so that retries and redeliveries send the
same bytes — and a document the schema or its limits refuse is refused at registration and update, changing
nothing."""

from __future__ import annotations

import pytest

from tests.api.coupons_world import CLAIM
from tests.api.test_webhook_management import REDELIVER, update
from tests.api.test_webhooks import soon, worker
from tests.webhook_receiver import receiving

CREATE = """mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  endpoint { id payloadQuery } secret userErrors { code field message } } }"""
AMOUNTS = "subscription { event { type payload { ... on LedgerEventPayload { amount { amount } kind } } } }"
SHOPS = "subscription { event { id shop { name } } }"
COUPONS = ("subscription { event { type payload { ... on CouponEventPayload { status coupon { id } "
           "template { id } } } } }")


async def create(api, token, url, types, query=None, **extra) -> dict:
    reply = await api.gql(CREATE, {"input": {"url": url, "eventTypes": types, "payloadQuery": query, **extra}},
                          token=token)
    return reply.payload("createWebhookEndpoint")


async def test_e10_two_endpoints_of_one_shop_receive_one_event_shaped_by_their_queries(api, app, world):
    shop = await world.shop()
    with receiving() as amounts, receiving() as shops, receiving() as plain:
        for receiver, query in ((amounts, AMOUNTS), (shops, SHOPS), (plain, None)):
            made = await create(api, shop.merchant, receiver.url, ["LEDGER_ENTRY_CREATED"], query)
            assert made["userErrors"] == [] and made["endpoint"]["payloadQuery"] == query
            receiver.secret = made["secret"]
        await world.credit(shop, "DEPOSIT", "12.30")
        assert await worker(app, soon()).run_once() == 3
    [by_amount], [by_shop], [default] = amounts.received, shops.received, plain.received
    assert by_amount.verified and by_shop.verified and default.verified
    assert by_amount.body == {"data": {"event": {"type": "LEDGER_ENTRY_CREATED", "payload": {
        "amount": {"amount": "12.30"}, "kind": "DEPOSIT_CREDIT"}}}}
    assert by_shop.body == {"data": {"event": {"id": default.body["id"], "shop": {"name": "Fresh Farm"}}}}
    assert default.body["type"] == "LEDGER_ENTRY_CREATED" and default.body["data"]["amount"] == "12.30"  # E5


async def test_e10_a_body_shows_only_what_its_owner_may_read(api, app, world, coupons):
    """A buyer's coupon is the buyer's and the platform's to read (not the shop's): the merchant's body has it
    null, the platform's (narrowed to that shop) has it; both see the shop's template."""
    shop = await world.shop()
    template = await coupons.created(shop.merchant, issuerKind="MERCHANT", faceValue="5.00")
    with receiving() as merchants, receiving() as platforms:
        await create(api, shop.merchant, merchants.url, ["COUPON_CLAIMED"], COUPONS)
        await create(api, world.platform, platforms.url, ["COUPON_CLAIMED"], COUPONS, shopId=shop.id)
        claimed = (await api.gql(CLAIM, {"id": template["id"]}, token=world.buyer)).payload("claimCoupon")
        assert await worker(app, soon()).run_once() == 2
    coupon = claimed["coupon"]["id"]
    merchant = merchants.received[0].body["data"]["event"]["payload"]
    platform = platforms.received[0].body["data"]["event"]["payload"]
    assert merchant == {"status": "AVAILABLE", "coupon": None, "template": {"id": template["id"]}}
    assert platform == {"status": "AVAILABLE", "coupon": {"id": coupon}, "template": {"id": template["id"]}}


async def test_e10_the_body_is_kept_at_the_first_attempt_for_retries_and_redeliveries(api, app, world):
    shop = await world.shop()
    with receiving() as receiver:
        made = await create(api, shop.merchant, receiver.url, ["LEDGER_ENTRY_CREATED"], AMOUNTS)
        receiver.secret = made["secret"]
        receiver.script = [500, 200, 200]
        await world.credit(shop, "DEPOSIT", "1.00")
        clock = soon()
        deliver = worker(app, clock)
        assert await deliver.run_once() == 1
        changed = await update(api, shop.merchant, endpointId=made["endpoint"]["id"], payloadQuery=SHOPS)
        assert changed["userErrors"] == []
        clock.advance(seconds=5)
        assert await deliver.run_once() == 1  # the retry: the bytes of the first attempt, not the new document
        delivery_id = receiver.received[0].message_id
        again = (await api.gql(REDELIVER, {"id": delivery_id}, token=shop.merchant)).payload("redeliverWebhook")
        assert again["userErrors"] == []
        assert await deliver.run_once() == 1
        await world.credit(shop, "DEPOSIT", "2.00")  # a new event: the new document
        clock.advance(seconds=5)
        assert await deliver.run_once() == 1
    first, retry, redelivered, new = receiver.received
    assert first.raw == retry.raw == redelivered.raw and all(r.verified for r in receiver.received)
    assert first.body["data"]["event"]["payload"]["amount"] == {"amount": "1.00"}
    assert set(new.body["data"]["event"]) == {"id", "shop"}


@pytest.mark.parametrize(("document", "reason"), [
    ("subscription { event { type ", "Syntax Error"),
    ("query { events { totalCount } }", "one subscription operation"),
    ("subscription { events { id } }", "one root field, event"),
    ("subscription { e: event { id } }", "one root field, event"),
    ("subscription { event { id } events { id } }", "one root field, event"),
    ("subscription($x: ID) { event { id } }", "no variables"),
    ("subscription { event { nope } }", "Cannot query field 'nope' on type 'Event'"),
    ("subscription { event { " + "subject { ... on Event { " * 12 + "id" + " } }" * 12 + " } }", "levels deep"),
    ("subscription { event { " + " ".join(f"a{n}: id" for n in range(31)) + " } }", "aliases"),
])
async def test_e10_a_refused_document_says_why_and_changes_nothing(api, world, document, reason):
    shop = await world.shop()
    refused = await create(api, shop.merchant, "http://127.0.0.1:9/a", ["ORDER_PLACED"], document)
    assert refused["endpoint"] is None
    [error] = refused["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", ["input", "payloadQuery"])
    assert reason in error["message"], error["message"]
    made = (await create(api, shop.merchant, "http://127.0.0.1:9/b", ["ORDER_PLACED"], SHOPS))["endpoint"]
    changed = await update(api, shop.merchant, endpointId=made["id"], payloadQuery=document, description="lost")
    assert [e["field"] for e in changed["userErrors"]] == [["input", "payloadQuery"]]
    listed = (await api.gql("{ webhookEndpoints { payloadQuery description } }", token=shop.merchant)).data
    assert listed["webhookEndpoints"] == [{"payloadQuery": SHOPS, "description": None}]


async def test_e10_a_blank_document_returns_to_the_default_body(api, world):
    shop = await world.shop()
    made = (await create(api, shop.merchant, "http://127.0.0.1:9/b", ["ORDER_PLACED"], SHOPS))["endpoint"]
    cleared = await update(api, shop.merchant, endpointId=made["id"], payloadQuery="  ")
    assert cleared["userErrors"] == []
    listed = await api.gql("{ webhookEndpoints { payloadQuery } }", token=shop.merchant)
    assert listed.data["webhookEndpoints"] == [{"payloadQuery": None}]



async def test_f6_the_reason_is_translated_with_the_message_around_it(api, world):
    shop = await world.shop()
    reply = await api.gql(CREATE, {"input": {"url": "http://127.0.0.1:9/a", "eventTypes": ["ORDER_PLACED"],
                                             "payloadQuery": "subscription($x: ID) { event { id } }"}},
                          token=shop.merchant, headers={"Accept-Language": "zh-CN"})
    [error] = reply.payload("createWebhookEndpoint")["userErrors"]
    assert error["message"] == "payloadQuery 未被接受：它不接受变量"
    deep = "subscription { event { " + "subject { ... on Event { " * 12 + "id" + " } }" * 12 + " } }"
    reply = await api.gql(CREATE, {"input": {"url": "http://127.0.0.1:9/a", "eventTypes": ["ORDER_PLACED"],
                                             "payloadQuery": deep}},
                          token=shop.merchant, headers={"Accept-Language": "zh-CN"})
    [error] = reply.payload("createWebhookEndpoint")["userErrors"]
    assert error["message"].startswith("payloadQuery 未被接受：查询嵌套深度为"), error  # the limit's own message too
