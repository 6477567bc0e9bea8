"""SPEC E1–E3, E8: an event per change, written with the change and none for a refusal; the replay the viewer may
see, oldest first, with stable cursors. The table below says what each mutation appends; a mutation missing from
it fails ``test_every_mutation_says_what_it_appends``, so a new mutation cannot land without its events."""

from __future__ import annotations

import json

from graphql import build_schema

from domain.events.model import Event, EventQuery, EventType, events_scope
from domain.shared.actor import Role
from domain.shared.listing import Page
from persistence.events.repository import SqlEventLog
from schema import sdl
from schema.common.ids import decode_id, encode_id
from tests.api.annotations_ops import CLEAR, CONTACT, ORDER_REMARK, SALE_REMARK, SET_REMARK, SHORTCUT, STAR, UNSTAR
from tests.api.appeals_world import CALENDAR
from tests.api.coupons_world import place
from tests.api.world import CANCEL, REVIEW
from web.auth import authenticate

APPENDS: dict[str, list[str]] = {  # what a successful call appends, in order, in the scenario below
    "registerShop": [], "registerProduct": [], "recordContact": [],  # not state changes of G5
    "creditShopAccount": ["LEDGER_ENTRY_CREATED"],
    "placeOrder": ["ORDER_PLACED", "COUPON_LOCKED"],
    "recordPayment": ["COUPON_USED", "ORDER_PAID"],
    "recordDelivery": ["ORDER_DELIVERED"],
    "cancelOrder": ["COUPON_RETURNED", "ORDER_CANCELLED"],
    "recordReview": ["REVIEW_RECORDED"],
    "submitClaim": ["CLAIM_SUBMITTED"],
    "addClaimEvidence": ["CLAIM_EVIDENCE_ADDED"],
    "acceptClaim": ["LEDGER_ENTRY_CREATED", "CLAIM_ACCEPTED"],
    "rejectClaim": ["CLAIM_REJECTED"],
    "escalateClaim": ["CLAIM_ESCALATED"],
    "withdrawClaim": ["CLAIM_WITHDRAWN"],
    "respondToEscalation": ["CLAIM_MERCHANT_RESPONDED"],
    "proposeCompensation": ["CLAIM_COMPENSATION_PROPOSED"],
    "acceptCompensation": ["LEDGER_ENTRY_CREATED", "LEDGER_ENTRY_CREATED", "CLAIM_COMPENSATION_ACCEPTED"],
    "recordPayout": ["CLAIM_PAYOUT_RECORDED"],
    "recordViolation": ["VIOLATION_RECORDED"],
    "withdrawViolation": ["VIOLATION_WITHDRAWN"],
    "invalidateEvidence": ["CLAIM_EVIDENCE_INVALIDATED"],
    "ruleClaim": ["LEDGER_ENTRY_CREATED", "LEDGER_ENTRY_CREATED", "CLAIM_RULED"],
    "fileAppeal": ["APPEAL_FILED"],
    "decideAppeal": ["APPEAL_DECIDED"],
    "restrictAppeals": ["APPEAL_RESTRICTION_CHANGED"],
    "setWorkingCalendar": ["WORKING_CALENDAR_SET"],
    "createCouponTemplate": ["COUPON_TEMPLATE_CREATED"],
    "claimCoupon": ["COUPON_CLAIMED"],
    "setCustomerRemark": ["CUSTOMER_REMARK_CHANGED"],
    "setOrderRemark": ["ORDER_REMARK_CHANGED"],
    "addAfterSaleRemark": ["CLAIM_REMARK_ADDED"],
    "starCustomer": ["STAR_CHANGED"],
    "unstarCustomer": ["STAR_CHANGED"],
    "clearStars": ["STAR_CHANGED"],
    "setShortcut": ["SHORTCUT_CHANGED"],
    "processDeadlines": [],  # nothing due in the scenario; tests/api/test_deadlines.py fires them
    "createWebhookEndpoint": [], "deleteWebhookEndpoint": [],  # configuration, not changes of G5 (E5)
    "updateWebhookEndpoint": [], "rotateWebhookSecret": [], "redeliverWebhook": [],  # the same (E11)
    "sendTestWebhook": [],  # a PING, never among events (E11)
    "startExport": [],  # H5: a job is its requester's, not an event
    "createCampaign": ["CAMPAIGN_CREATED"],  # W11
    "joinCampaign": ["CAMPAIGN_JOINED"],  # CAMPAIGN_SHARE_CHANGED when it changes a sign-up
    "leaveCampaign": ["CAMPAIGN_LEFT"],
    "issueCoupons": ["COUPON_ISSUED"],  # W12: one per coupon granted (one buyer here)
    "recordInvoice": ["INVOICE_RECORDED"],  # W13
    "voidInvoice": ["INVOICE_VOIDED"],
}
EVENTS = """query($f: EventFilter, $first: Int, $after: String) { events(filter: $f, first: $first, after: $after) {
  edges { cursor node { id type occurredAt actorRole actorId subjectId data shop { id }
    subject { __typename ... on Claim { id } ... on Order { id } } } }
  pageInfo { hasNextPage endCursor } } }"""


async def replay(api, token, after=None, first=100, **filter) -> tuple[list[dict], str | None]:
    reply = await api.gql(EVENTS, {"f": filter or None, "first": first, "after": after}, token=token)
    assert not reply.errors, reply.errors
    page = reply.data["events"]
    return [edge["node"] for edge in page["edges"]], page["pageInfo"]["endCursor"]


class Log:
    """What each call appended, read through the platform's replay."""

    def __init__(self, api, world):
        self.api, self.world, self.cursor = api, world, None

    async def since(self) -> list[dict]:
        found, after = [], self.cursor
        while True:
            page, end = await replay(self.api, self.world.platform, after=after)
            found += page
            if not page:
                return found
            after = self.cursor = end

    async def types(self) -> list[str]:
        return [event["type"] for event in await self.since()]


def test_every_mutation_says_what_it_appends():
    served = build_schema(sdl())
    assert sorted(served.mutation_type.fields) == sorted(APPENDS)


async def test_each_change_appends_its_events_and_a_refusal_none(api, world, claims, coupons, appeals):
    """One pass through every mutation, each checked against APPENDS."""
    log = Log(api, world)
    shop = await world.shop()
    assert await log.types() == []
    await world.credit(shop, "DEPOSIT", "500.00")
    assert await log.types() == APPENDS["creditShopAccount"]
    await coupons.created(faceValue="1.00", validDaysAfterClaim=30)
    assert await log.types() == APPENDS["createCouponTemplate"]
    coupon = await coupons.owned(faceValue="2.00")
    assert (await log.types())[-1:] == APPENDS["claimCoupon"]
    order = (await place(api, world, shop, {"cherries": "1"}, [coupon]))["order"]
    assert await log.types() == APPENDS["placeOrder"]
    await world.pay(order["id"])
    assert await log.types() == APPENDS["recordPayment"]
    await world.deliver(order["id"], api.now)
    assert await log.types() == APPENDS["recordDelivery"]
    await api.gql(REVIEW, {"input": {"orderId": order["id"], "rating": 2, "content": "meh"}}, token=world.service)
    assert await log.types() == APPENDS["recordReview"]
    claim = (await claims.submit(order["lines"][0]["id"]))["claim"]
    assert await log.types() == APPENDS["submitClaim"]
    await claims.call("rejectClaim", shop.merchant, claimId=claim["id"], reason="no")
    assert await log.types() == APPENDS["rejectClaim"]
    refused = await claims.call("rejectClaim", shop.merchant, claimId=claim["id"], reason="again")
    assert refused["userErrors"] and await log.types() == []  # a refusal writes nothing
    await claims.call("escalateClaim", world.buyer, claimId=claim["id"])
    assert await log.types() == APPENDS["escalateClaim"]
    await claims.call("addClaimEvidence", world.buyer, claimId=claim["id"], evidence=await claims.evidence(("OTHER",)))
    assert await log.types() == APPENDS["addClaimEvidence"]
    await claims.call("respondToEscalation", shop.merchant, claimId=claim["id"], statement="packed well",
                      evidence=await claims.evidence(("OTHER",), token=shop.merchant))
    assert await log.types() == APPENDS["respondToEscalation"]
    extra = (await claims.read(claim["id"]))["evidence"][-2]["id"]
    await claims.call("invalidateEvidence", world.platform, claimId=claim["id"], evidenceId=extra, reason="edited")
    assert await log.types() == APPENDS["invalidateEvidence"]
    ruled = await claims.call("ruleClaim", world.platform, claimId=claim["id"], outcome="BUYER_WINS")
    # W7: the ruling refunded the order in full, so its coupon came back before the claim was written
    assert ruled["userErrors"] == [] and await log.types() == [*APPENDS["ruleClaim"][:2], "COUPON_RETURNED",
                                                              "CLAIM_RULED"]
    filed = await appeals.file(shop, "ARBITRATION", claim["id"])
    assert await log.types() == APPENDS["fileAppeal"]
    await appeals.decide(filed["appeal"]["id"], False)
    assert await log.types() == APPENDS["decideAppeal"]
    await appeals.restrict(shop, "CLOSED")
    assert await log.types() == APPENDS["restrictAppeals"]
    await api.gql(CALENDAR, {"input": {"year": 2030, "holidays": [], "workdays": []}}, token=world.platform)
    assert await log.types() == APPENDS["setWorkingCalendar"]
    _, line = await claims.delivered_line(shop)
    await log.types()
    accepted = (await claims.submit(line))["claim"]
    await claims.call("acceptClaim", shop.merchant, claimId=accepted["id"])
    assert await log.types() == APPENDS["submitClaim"] + APPENDS["acceptClaim"]
    _, other_line = await claims.delivered_line(shop)
    await log.types()
    withdrawn = (await claims.submit(other_line))["claim"]
    await claims.call("withdrawClaim", world.buyer, claimId=withdrawn["id"])
    assert await log.types() == APPENDS["submitClaim"] + APPENDS["withdrawClaim"]
    pending = (await place(api, world, shop, {"bowl": "1"}, [await coupons.owned(faceValue="3.00")]))["order"]
    await log.types()
    await api.gql(CANCEL, {"input": {"orderId": pending["id"]}}, token=world.buyer)
    assert await log.types() == APPENDS["cancelOrder"]
    for call, variables, token in (
            ("setCustomerRemark", (SET_REMARK, {"c": "buyer-1", "t": "VIP"}), shop.agent),
            ("setOrderRemark", (ORDER_REMARK, {"id": order["id"], "t": "fragile"}), shop.agent),
            ("addAfterSaleRemark", (SALE_REMARK, {"id": claim["id"], "t": "called back"}), shop.agent),
            ("starCustomer", (STAR, {"c": "buyer-1"}), shop.agent),
            ("unstarCustomer", (UNSTAR, {"c": "buyer-1"}), shop.agent),
            ("recordContact", (CONTACT, {"c": "buyer-9"}), shop.agent),
            ("setShortcut", (SHORTCUT, {"a": "star", "k": "Alt+S"}), shop.agent)):
        reply = await api.gql(*variables, token=token)
        assert not reply.errors, (call, reply.errors)
        assert await log.types() == APPENDS[call], call
    await api.gql(STAR, {"c": "buyer-2"}, token=shop.agent)
    await log.types()
    await api.gql(CLEAR, token=shop.agent)
    assert await log.types() == APPENDS["clearStars"]
    await _rules_iii_changes(api, world, claims, shop, log)
    await _coupons_ii_changes(api, world, coupons, shop, log)


async def _coupons_ii_changes(api, world, coupons, shop, log) -> None:
    """W11–W13: a campaign's creation and sign-ups, an issuance, an invoice recorded and voided."""
    from tests.api.campaigns_world import NOVEMBER, VOID, Campaigns

    campaigns = Campaigns(api, world, coupons)
    template = await coupons.created(faceValue="1.00")
    await log.types()
    campaign = await campaigns.created([template["id"]])
    assert await log.types() == APPENDS["createCampaign"]
    await campaigns.join(campaign["id"], "0.5", shop.merchant)
    assert await log.types() == APPENDS["joinCampaign"]
    await campaigns.join(campaign["id"], "0.6", shop.merchant)
    assert await log.types() == ["CAMPAIGN_SHARE_CHANGED"]
    await campaigns.leave(campaign["id"], shop.merchant)
    assert await log.types() == APPENDS["leaveCampaign"]
    await campaigns.issue(template["id"], ["buyer-7"])
    assert await log.types() == APPENDS["issueCoupons"]
    used = (await place(api, world, shop, {"bowl": "1"}, [await coupons.owned(faceValue="2.00")]))["order"]
    await world.pay(used["id"])
    await log.types()
    owed = await campaigns.obligations(shop)  # that coupon's platform part, used in November
    assert owed and owed[0]["counterparty"] == "PLATFORM", owed
    made = await campaigns.record(shop.merchant, shopId=shop.id, counterparty="PLATFORM", number="E-1",
                                  amount=owed[0]["outstanding"]["amount"], **NOVEMBER)
    assert made["userErrors"] == [] and await log.types() == APPENDS["recordInvoice"]
    await api.gql(VOID, {"id": made["invoice"]["id"], "reason": "wrong"}, token=shop.merchant)
    assert await log.types() == APPENDS["voidInvoice"]


async def _rules_iii_changes(api, world, claims, shop, log) -> None:
    """C5's agreement and payout, V's record and withdrawal: each appends its events."""
    from tests.api.test_rules_iii_money import ACCEPT_OFFER, PAYOUT, PROPOSE, RECORD, WITHDRAW

    async def call(query, token, **input_):
        reply = await api.gql(query, {"input": input_}, token=token)
        assert not reply.errors, reply.errors
        return next(iter(reply.data.values()))

    agreed = await claims.escalated(shop, quantity="1")
    await log.types()
    await call(PROPOSE, shop.merchant, claimId=agreed["id"], amount="100.00")
    assert await log.types() == APPENDS["proposeCompensation"]
    await call(ACCEPT_OFFER, world.buyer, claimId=agreed["id"])
    assert await log.types() == APPENDS["acceptCompensation"]
    await call(PAYOUT, world.service, claimId=agreed["id"])
    assert await log.types() == APPENDS["recordPayout"]
    made = await call(RECORD, world.platform, shopId=shop.id, kind="EVIDENCE_ANOMALY", reason="forged")
    assert await log.types() == APPENDS["recordViolation"]
    await call(WITHDRAW, world.platform, violationId=made["violation"]["id"], reason="mistake")
    assert await log.types() == APPENDS["withdrawViolation"]


async def test_an_event_carries_its_facts(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    events, _ = await replay(api, world.platform, types=["CLAIM_SUBMITTED"])
    event = events[-1]
    assert (event["actorRole"], event["actorId"], event["subjectId"]) == ("BUYER", "buyer-1", claim["id"])
    assert event["subject"] == {"__typename": "Claim", "id": claim["id"]} and event["shop"] == {"id": shop.id}
    data = json.loads(event["data"])
    assert data["claimId"] == claim["id"] and data["status"] == "AWAITING_MERCHANT"
    assert data["standardRefund"] == "88.00" and data["covered"] is True  # money as a decimal string (E2)


async def test_e3_each_viewer_replays_what_concerns_them(api, app, world, claims, coupons):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    await world.credit(shop, "DEPOSIT", "10.00")
    order, _ = await claims.delivered_line(shop)
    await api.gql(ORDER_REMARK, {"id": order["id"], "t": "fragile"}, token=shop.agent)
    their_order = await world.order(other, token=world.other_buyer)
    streamer = api.token(Role.STREAMER, "star-1")
    template = await coupons.created(streamer, issuerKind="STREAMER", faceValue="1.00")
    await coupons.claim(template["id"])

    async def types(token, **filter):
        return {e["type"] for e in (await replay(api, token, **filter))[0]}

    buyer = await types(world.buyer)
    assert {"ORDER_PLACED", "ORDER_DELIVERED", "COUPON_CLAIMED"} <= buyer
    assert not buyer & {"ORDER_REMARK_CHANGED", "LEDGER_ENTRY_CREATED", "COUPON_TEMPLATE_CREATED"}
    assert await types(world.other_buyer) == {"ORDER_PLACED", "ORDER_PAID"}
    merchant = await types(shop.merchant)
    assert {"ORDER_PLACED", "ORDER_REMARK_CHANGED", "LEDGER_ENTRY_CREATED"} <= merchant
    agent = await types(shop.agent)
    assert "LEDGER_ENTRY_CREATED" not in agent and "ORDER_REMARK_CHANGED" in agent
    theirs = {e["subjectId"] for e in (await replay(api, other.merchant))[0]}
    assert theirs == {their_order["id"]}
    assert await types(streamer) == {"COUPON_TEMPLATE_CREATED", "COUPON_CLAIMED"}
    assert await types(shop.merchant, shopId=other.id) == set()  # a filter narrows, never widens
    assert (await api.gql(EVENTS, {}, token=world.service)).codes == ["FORBIDDEN"]
    hidden = [e for e in (await replay(api, world.platform))[0] if e["type"] == "LEDGER_ENTRY_CREATED"][0]
    node = "query($id: ID!) { node(id: $id) { id } }"
    assert (await api.gql(node, {"id": hidden["id"]}, token=shop.agent)).data["node"] is None
    assert (await api.gql(node, {"id": hidden["id"]}, token=shop.merchant)).data["node"] == {"id": hidden["id"]}
    # E4's rule for one event as it commits (EventQuery.admits) is the replay's SQL, viewer by viewer and filtered
    everything = await app_events(app)
    viewers = {"buyer-1": world.buyer, "buyer-2": world.other_buyer, "merchant": shop.merchant, "agent": shop.agent,
               "merchant-2": other.merchant, "streamer": streamer, "platform": world.platform}
    for name, token in viewers.items():
        actor, _ = authenticate(f"Bearer {token}", api.secret)
        for types_, shop_id in ((None, None), ([EventType.LEDGER_ENTRY_CREATED, EventType.ORDER_PLACED], None),
                                (None, decode_id(shop.id, "Shop"))):
            query = events_scope(actor, types_, shop_id, shop_id is not None, None, False)
            wanted = {"types": [t.value for t in types_]} if types_ else {}
            if shop_id is not None:
                wanted["shopId"] = shop.id
            replayed = [e["id"] for e in (await replay(api, token, **wanted))[0]]
            assert replayed == [gid for gid, event in everything if query.admits(event)], (name, wanted)


async def app_events(app) -> list[tuple[str, Event]]:
    """Every event as the domain reads it, with its global ID."""
    async with app.state.database.read_sessions() as session:
        events = await SqlEventLog(session).since(EventQuery(everything=True), None, 10_000)
    return [(encode_id("Event", e.id), e) for e in events]


async def test_e3_replay_pages_oldest_first_without_gaps_and_filters(api, world, claims):
    shop = await world.shop()
    for _ in range(3):
        await world.credit(shop, "PAYABLES", "1.00")
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    everything, _ = await replay(api, world.platform)
    paged, after = [], None
    while True:
        page, end = await replay(api, world.platform, after=after, first=2)
        if not page:
            break
        paged, after = paged + page, end
    assert [e["id"] for e in paged] == [e["id"] for e in everything] and len(everything) == 7
    times = [e["occurredAt"] for e in everything]
    assert times == sorted(times)
    again, _ = await replay(api, world.platform, after=None, first=3)
    assert [e["id"] for e in again] == [e["id"] for e in everything[:3]]  # cursors are stable
    ledger, _ = await replay(api, world.platform, types=["LEDGER_ENTRY_CREATED"])
    assert len(ledger) == 3
    about, _ = await replay(api, world.platform, subjectId=claim["id"])
    assert [e["type"] for e in about] == ["CLAIM_SUBMITTED"]
    assert (await replay(api, world.platform, subjectId="not-an-id"))[0] == []
    bad = await api.gql(EVENTS, {"after": "garbage"}, token=world.platform)
    assert bad.codes == ["BAD_USER_INPUT"]


async def test_buyers_see_a_role_not_the_staff_member_who_acted(api, world, claims):
    """Penetration test III, finding 16: buyers read staff user ids in events (and in a claim's history)."""
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    await claims.call("rejectClaim", shop.merchant, claimId=claim["id"], reason="no")
    history = "query($id: ID!) { claim(id: $id) { events { type actorRole actorId } } }"

    async def actors(token) -> tuple[list[str], list[str]]:
        events, _ = await replay(api, token, types=["CLAIM_SUBMITTED", "CLAIM_REJECTED"])
        read = (await api.gql(history, {"id": claim["id"]}, token=token)).data["claim"]["events"]
        return [e["actorId"] for e in events], [e["actorId"] for e in read]

    assert await actors(world.buyer) == (["buyer-1", "MERCHANT"], ["buyer-1", "MERCHANT"])
    assert await actors(shop.merchant) == (["buyer-1", "merchant-1"], ["buyer-1", "merchant-1"])


async def test_e5_the_webhook_fan_out_in_sql_is_the_one_visibility_rule_for_every_kind_of_endpoint(app, world):
    """E3/E5: the deliveries the outbox's ``INSERT … SELECT`` writes are exactly the events each endpoint's query
    admits (``WebhookEndpoint.query``, built on ``EventQuery`` like every other reader): a merchant's endpoint (its
    shop's events, the ledger's included), the platform's for all shops and for one, each with its types."""
    from datetime import UTC, datetime
    from itertools import product

    from domain.shared.actor import Actor
    from domain.webhooks.model import WebhookEndpoint
    from persistence.uow import SqlUnitOfWorkFactory

    shops = [decode_id((await world.shop(name, merchant=f"m-{name}")).id, "Shop") for name in ("A", "B")]
    at = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
    uow = SqlUnitOfWorkFactory(app.state.database)
    kinds = [
        (Role.MERCHANT, shops[0], {EventType.ORDER_PLACED, EventType.LEDGER_ENTRY_CREATED}),
        (Role.MERCHANT, shops[1], {EventType.CLAIM_SUBMITTED}),
        (Role.PLATFORM, None, {EventType.ORDER_PLACED, EventType.CLAIM_SUBMITTED}),
        (Role.PLATFORM, shops[1], {EventType.LEDGER_ENTRY_CREATED, EventType.ORDER_PLACED}),
        (Role.PLATFORM, None, set(EventType)),
    ]
    async with uow() as u:
        endpoints = [await u.webhooks.add(WebhookEndpoint(
            url=f"https://hooks.example.com/{n}", event_types=frozenset(types), owner_role=role,
            owner_id=f"owner-{n}", shop_id=shop_id, secret="whsec_" + "x" * 32, created_at=at, slot=n + 1))
            for n, (role, shop_id, types) in enumerate(kinds)]
        someone = Actor(user_id="buyer-9", role=Role.BUYER)
        for type_, shop_id, buyer in product((EventType.ORDER_PLACED, EventType.LEDGER_ENTRY_CREATED,
                                              EventType.CLAIM_SUBMITTED, EventType.COUPON_CLAIMED),
                                             (*shops, None), ("buyer-9", None)):
            await u.events.record(Event.of(type_, "Order", 1, someone, at, shop_id=shop_id, buyer_id=buyer))
        await u.commit()
    events = {e.id: e for _gid, e in await app_events(app)}
    assert len(events) >= 24
    async with uow(write=False) as u:
        for endpoint in endpoints:
            delivered = {d.event_id for d in await u.webhooks.deliveries(endpoint.id, Page(1_000))}
            wanted = {i for i, event in events.items() if endpoint.query.admits(event)}
            assert wanted and delivered == wanted, (endpoint.owner_role, endpoint.shop_id, endpoint.event_types)
