"""SPEC E11 through the API and the delivery worker, against a real HTTP receiver (tests/webhook_receiver.py) that
verifies with the `standardwebhooks` package: updating an endpoint (another tenant reads NOT_FOUND, a bad URL
changes nothing), disabling it holds its deliveries and enabling it sends them, a rotated secret shown once with
both secrets signing during the overlap, and every attempt kept with its status, duration, error and answer."""

from __future__ import annotations

from standardwebhooks import Webhook

from tests.api.test_webhooks import create, soon, worker
from tests.webhook_receiver import receiving

UPDATE = """mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) {
  endpoint { id url eventTypes enabled description disabledReason } userErrors { code field message } } }"""
ROTATE = """mutation($id: ID!) { rotateWebhookSecret(input: {endpointId: $id}) {
  endpoint { id secretRotatedAt } secret userErrors { code field message } } }"""
REDELIVER = """mutation($id: ID!) { redeliverWebhook(input: {deliveryId: $id}) {
  delivery { id status attempts } userErrors { code field } } }"""
LOG = """{ webhookEndpoints { id deliveries(first: 10) { edges { node { status attempts
  attemptLog { at responseStatus durationMs error responseBodyExcerpt } } } } } }"""


async def update(api, token, **changes) -> dict:
    return (await api.gql(UPDATE, {"input": changes}, token=token)).payload("updateWebhookEndpoint")


def verifies(received, secret: str) -> bool:
    try:
        Webhook(secret).verify(received.raw.decode(), received.headers)
    except Exception:  # noqa: BLE001  (any failure to verify is a no)
        return False
    return True


async def test_e11_an_owner_updates_its_endpoint_and_nobody_else_can(api, world):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    made = (await create(api, shop.merchant, "http://127.0.0.1:9/a", ["ORDER_PLACED"]))["endpoint"]
    changed = await update(api, shop.merchant, endpointId=made["id"], url="http://127.0.0.1:9/b",
                           eventTypes=["CLAIM_SUBMITTED"], description="ERP")
    assert changed["userErrors"] == []
    assert changed["endpoint"] == {"id": made["id"], "url": "http://127.0.0.1:9/b", "eventTypes": ["CLAIM_SUBMITTED"],
                                   "enabled": True, "description": "ERP", "disabledReason": None}
    theirs = await update(api, other.merchant, endpointId=made["id"], enabled=False)
    assert (theirs["endpoint"], [e["code"] for e in theirs["userErrors"]]) == (None, ["NOT_FOUND"])
    bad = await update(api, shop.merchant, endpointId=made["id"], url="ftp://127.0.0.1/x", description="lost")
    assert [(e["code"], e["field"]) for e in bad["userErrors"]] == [("UNSAFE_URL", ["input", "url"])]
    again = await update(api, shop.merchant, endpointId=made["id"])
    assert again["endpoint"] == changed["endpoint"]  # the refused update changed nothing, not even the description
    rotated = (await api.gql(ROTATE, {"id": made["id"]}, token=other.merchant)).payload("rotateWebhookSecret")
    assert (rotated["secret"], [e["code"] for e in rotated["userErrors"]]) == (None, ["NOT_FOUND"])


async def test_e11_a_disabled_endpoints_deliveries_wait_and_go_when_it_is_enabled_again(api, app, world):
    shop = await world.shop()
    with receiving() as receiver:
        made = await create(api, shop.merchant, receiver.url, ["LEDGER_ENTRY_CREATED"])
        receiver.secret = made["secret"]
        off = await update(api, shop.merchant, endpointId=made["endpoint"]["id"], enabled=False)
        assert off["endpoint"]["disabledReason"] == "disabled by its owner"
        await world.credit(shop, "DEPOSIT", "1.00")  # not fanned out: the endpoint is disabled
        await update(api, shop.merchant, endpointId=made["endpoint"]["id"], enabled=True)
        await world.credit(shop, "DEPOSIT", "2.00")
        await update(api, shop.merchant, endpointId=made["endpoint"]["id"], enabled=False)
        deliver = worker(app, soon())
        assert await deliver.run_once() == 0 and receiver.received == []  # pending, held while disabled
        on = await update(api, shop.merchant, endpointId=made["endpoint"]["id"], enabled=True)
        assert (on["endpoint"]["enabled"], on["endpoint"]["disabledReason"]) == (True, None)
        assert await deliver.run_once() == 1
        assert [r.body["data"]["amount"] for r in receiver.received] == ["2.00"] and receiver.received[0].verified


async def test_e11_a_rotated_secret_is_shown_once_and_both_sign_during_the_overlap(api, app, world):
    api.now = None  # the rotation on the real clock, as the deliveries are due on it
    shop = await world.shop()
    with receiving() as receiver:
        made = await create(api, shop.merchant, receiver.url, ["LEDGER_ENTRY_CREATED"])
        old = made["secret"]
        rotated = (await api.gql(ROTATE, {"id": made["endpoint"]["id"]}, token=shop.merchant)).payload(
            "rotateWebhookSecret")
        new = rotated["secret"]
        assert rotated["userErrors"] == [] and new.startswith("whsec_") and new != old
        assert rotated["endpoint"]["secretRotatedAt"] is not None
        await world.credit(shop, "DEPOSIT", "1.00")
        clock = soon()
        assert await worker(app, clock).run_once() == 1
        during = receiver.received[-1]
        assert len(during.headers["webhook-signature"].split(" ")) == 2
        assert verifies(during, old) and verifies(during, new)  # a receiver on either secret accepts it
        await world.credit(shop, "DEPOSIT", "2.00")
        clock.advance(hours=24)  # WEBHOOK_ROTATION_OVERLAP_HOURS: the old secret signs no more
        assert await worker(app, clock).run_once() == 1
        after = receiver.received[-1]
        assert len(after.headers["webhook-signature"].split(" ")) == 1
        assert verifies(after, new) and not verifies(after, old)


async def test_e11_every_attempt_is_kept_with_status_duration_error_and_answer(api, app, world):
    shop = await world.shop()
    with receiving() as receiver:
        await create(api, shop.merchant, receiver.url, ["LEDGER_ENTRY_CREATED"])
        receiver.script = [500, 200]
        receiver.answer = ("不" * 600 + "x" * 600).encode()  # 1,200 characters: the log keeps the first 1,000
        await world.credit(shop, "DEPOSIT", "1.00")
        clock = soon()
        deliver = worker(app, clock)
        assert await deliver.run_once() == 1
        clock.advance(seconds=5)
        assert await deliver.run_once() == 1
        reply = await api.gql(LOG, token=shop.merchant)
        node = reply.data["webhookEndpoints"][0]["deliveries"]["edges"][0]["node"]
        assert (node["status"], node["attempts"]) == ("SUCCEEDED", 2)
        first, second = node["attemptLog"]
        assert (first["responseStatus"], first["error"]) == (500, "the receiver answered 500")
        assert (second["responseStatus"], second["error"]) == (200, None)
        assert first["responseBodyExcerpt"] == "不" * 600 + "x" * 400 and first["at"] < second["at"]
        assert all(isinstance(a["durationMs"], int) and a["durationMs"] >= 0 for a in node["attemptLog"])


async def test_e11_an_attempt_that_reached_nobody_says_why(api, app, world):
    shop = await world.shop()
    await create(api, shop.merchant, "http://127.0.0.1:9/closed", ["LEDGER_ENTRY_CREATED"])  # the discard port
    await world.credit(shop, "DEPOSIT", "1.00")
    assert await worker(app, soon()).run_once() == 1
    reply = await api.gql(LOG, token=shop.merchant)
    [attempt] = reply.data["webhookEndpoints"][0]["deliveries"]["edges"][0]["node"]["attemptLog"]
    assert attempt["responseStatus"] is None and attempt["responseBodyExcerpt"] is None
    assert attempt["error"].startswith("connection refused or failed")


async def test_e11_a_delivery_is_redelivered_with_the_same_id_and_body_and_only_by_its_owner(api, app, world):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    with receiving() as receiver:
        made = await create(api, shop.merchant, receiver.url, ["LEDGER_ENTRY_CREATED"])
        receiver.secret = made["secret"]
        receiver.script = [500, 500]
        await world.credit(shop, "DEPOSIT", "1.00")
        clock = soon()
        deliver = worker(app, clock, retry_delays=(5,))
        assert await deliver.run_once() == 1
        clock.advance(seconds=5)
        assert await deliver.run_once() == 1
        node = (await api.gql(LOG, token=shop.merchant)).data["webhookEndpoints"][0]["deliveries"]["edges"][0]["node"]
        assert (node["status"], node["attempts"]) == ("FAILED", 2)
        delivery_id = receiver.received[0].message_id  # the webhook-id is the delivery's id
        theirs = (await api.gql(REDELIVER, {"id": delivery_id}, token=other.merchant)).payload("redeliverWebhook")
        assert (theirs["delivery"], [e["code"] for e in theirs["userErrors"]]) == (None, ["NOT_FOUND"])
        assert await deliver.run_once() == 0  # refused: nothing became due
        again = (await api.gql(REDELIVER, {"id": delivery_id}, token=shop.merchant)).payload("redeliverWebhook")
        assert again["userErrors"] == [] and again["delivery"] == {"id": delivery_id, "status": "PENDING",
                                                                  "attempts": 2}
        assert await deliver.run_once() == 1
        first, last = receiver.received[0], receiver.received[-1]
        assert (last.message_id, last.raw, last.verified) == (first.message_id, first.raw, True)
        node = (await api.gql(LOG, token=shop.merchant)).data["webhookEndpoints"][0]["deliveries"]["edges"][0]["node"]
        assert (node["status"], node["attempts"], len(node["attemptLog"])) == ("SUCCEEDED", 3, 3)


async def test_e11_an_endpoint_failing_for_the_disable_period_is_disabled_once_and_its_owner_told(api, app, world):
    """WEBHOOK_DISABLE_AFTER_HOURS (72): counted from the first failure after a success; the event goes to the
    endpoint's owner (its shop's merchants, not its agents, nor another shop); enabling it again starts afresh."""
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    with receiving() as receiver:
        made = await create(api, shop.merchant, receiver.url, ["LEDGER_ENTRY_CREATED"])
        endpoint_id = made["endpoint"]["id"]
        receiver.script = [200] + [500] * 100
        await world.credit(shop, "DEPOSIT", "1.00")
        clock = soon()
        deliver = worker(app, clock, retry_delays=(3600,) * 100)
        assert await deliver.run_once() == 1  # a success: not failing
        await world.credit(shop, "DEPOSIT", "2.00")
        clock.advance(seconds=2)  # past the commit of the second credit: its delivery is due
        assert await deliver.run_once() == 1  # the first failure: failing since now
        for _ in range(71):
            clock.advance(hours=1)
            await deliver.run_once()
        state = (await update(api, shop.merchant, endpointId=endpoint_id))["endpoint"]
        assert (state["enabled"], state["disabledReason"]) == (True, None)  # 71 hours: not yet
        clock.advance(hours=1)
        assert await deliver.run_once() == 1  # 72 hours of failures: disabled
        state = (await update(api, shop.merchant, endpointId=endpoint_id))["endpoint"]
        assert state["enabled"] is False and state["disabledReason"].startswith(
            "disabled automatically: every attempt failed for 72 hours")
        clock.advance(hours=1)
        assert await deliver.run_once() == 0  # disabled: its pending delivery waits
    told = "{ events(filter: {types: [WEBHOOK_ENDPOINT_DISABLED]}) { edges { node { type subjectId } } } }"
    seen = {name: [e["node"] for e in (await api.gql(told, token=token)).data["events"]["edges"]]
            for name, token in (("merchant", shop.merchant), ("agent", shop.agent), ("other", other.merchant),
                                ("platform", world.platform))}
    assert seen["merchant"] == seen["platform"] == [{"type": "WEBHOOK_ENDPOINT_DISABLED", "subjectId": endpoint_id}]
    assert seen["agent"] == seen["other"] == []
    again = (await update(api, shop.merchant, endpointId=endpoint_id, enabled=True))["endpoint"]
    assert (again["enabled"], again["disabledReason"]) == (True, None)


TEST = """mutation($id: ID!) { sendTestWebhook(input: {endpointId: $id}) {
  delivery { id status attempts
    event { type payload { __typename ... on WebhookEventPayload { url endpoint { id } } } } }
  userErrors { code field } } }"""


async def test_e11_a_test_delivery_is_a_ping_sent_at_once_listed_among_deliveries_never_in_events(api, app, world):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    with receiving() as receiver:
        made = await create(api, shop.merchant, receiver.url, ["LEDGER_ENTRY_CREATED"])
        receiver.secret = made["secret"]
        endpoint_id = made["endpoint"]["id"]
        theirs = (await api.gql(TEST, {"id": endpoint_id}, token=other.merchant)).payload("sendTestWebhook")
        assert (theirs["delivery"], [e["code"] for e in theirs["userErrors"]]) == (None, ["NOT_FOUND"])
        sent = (await api.gql(TEST, {"id": endpoint_id}, token=shop.merchant)).payload("sendTestWebhook")
        assert sent["userErrors"] == [] and sent["delivery"]["status"] == "PENDING"
        assert sent["delivery"]["event"] == {"type": "PING", "payload": {
            "__typename": "WebhookEventPayload", "url": receiver.url, "endpoint": {"id": endpoint_id}}}
        assert await worker(app, soon()).run_once() == 1
        [ping] = receiver.received
        assert ping.verified and ping.message_id == sent["delivery"]["id"] and ping.body["type"] == "PING"
        node = (await api.gql(LOG, token=shop.merchant)).data["webhookEndpoints"][0]["deliveries"]["edges"][0]["node"]
        assert (node["status"], node["attempts"]) == ("SUCCEEDED", 1)
        await world.credit(shop, "DEPOSIT", "1.00")  # a real event still goes, and only the one
        assert await worker(app, soon()).run_once() == 1
        assert [r.body["type"] for r in receiver.received] == ["PING", "LEDGER_ENTRY_CREATED"]
    every = "{ events(first: 100) { edges { node { type } } } }"
    for token in (shop.merchant, world.platform):
        assert "PING" not in {e["node"]["type"] for e in (await api.gql(every, token=token)).data["events"]["edges"]}
    subscribed = await api.gql(UPDATE, {"input": {"endpointId": endpoint_id, "eventTypes": ["PING"]}},
                               token=shop.merchant)
    assert [(e["code"], e["field"]) for e in subscribed.payload("updateWebhookEndpoint")["userErrors"]] == [
        ("INVALID_INPUT", ["input", "eventTypes"])]
