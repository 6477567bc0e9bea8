"""Rules III through the public API: C5 late performance, the parties' agreement and payouts; V1–V3 violations;
A7 frequent invalid appeals; F3 the product page and live room; F4 the report's rates."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.api.coupons_world import codes
from tests.reconcile import assert_ledgers_reconcile

MONEY = """claim { id status performedLate refunded { amount }
  payout { refund { amount } compensation { amount } total { amount } status paidAt }
  compensationProposal { amount { amount } note acceptedAt } } userErrors { code message field }"""
PROPOSE = f"mutation($input: ProposeCompensationInput!) {{ proposeCompensation(input: $input) {{ {MONEY} }} }}"
ACCEPT_OFFER = f"mutation($input: AcceptCompensationInput!) {{ acceptCompensation(input: $input) {{ {MONEY} }} }}"
PAYOUT = f"mutation($input: RecordPayoutInput!) {{ recordPayout(input: $input) {{ {MONEY} }} }}"
ACCEPT = f"mutation($input: AcceptClaimInput!) {{ acceptClaim(input: $input) {{ {MONEY} }} }}"
RULE = f"mutation($input: RuleClaimInput!) {{ ruleClaim(input: $input) {{ {MONEY} }} }}"
VIOLATION = """id kind status reason recordedAt withdrawnAt withdrawalReason appealDeadline shop { id } claim { id }
  appeal { id }"""
RECORD = f"""mutation($input: RecordViolationInput!) {{ recordViolation(input: $input) {{ violation {{ {VIOLATION} }}
  userErrors {{ code message field }} }} }}"""
WITHDRAW = f"""mutation($input: WithdrawViolationInput!) {{ withdrawViolation(input: $input) {{
  violation {{ {VIOLATION} }} userErrors {{ code message field }} }} }}"""
LIST = f"""query($f: ViolationFilter) {{ violations(filter: $f) {{ totalCount
  edges {{ node {{ {VIOLATION} }} }} }} }}"""
COUNTS = """query($id: ID!) { shop(id: $id) { violations { kind inForce } } }"""


async def _call(api, query, name, token, **input_):
    return (await api.gql(query, {"input": input_}, token=token)).payload(name)


async def _counts(api, shop, token) -> dict:
    data = (await api.gql(COUNTS, {"id": shop.id}, token=token)).data["shop"]["violations"]
    return {c["kind"]: c["inForce"] for c in data}


# ---------------------------------------------------------------- C5 late performance


async def test_c5_a_guarantee_claim_accepted_late_pays_the_orders_penalty_too(api, world, claims):
    shop = await world.shop()
    await world.credit(shop, "PAYABLES", "500.00")
    await world.credit(shop, "DEPOSIT", "500.00")
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line, quantity="1"))["claim"]
    api.advance(hours=48, seconds=1)
    accepted = await _call(api, ACCEPT, "acceptClaim", shop.merchant, claimId=claim["id"])
    assert accepted["userErrors"] == []
    c = accepted["claim"]
    assert c["performedLate"] is True and c["refunded"]["amount"] == "88.00"
    # cherries 10 × 52.80 = 528.00: 30 % is 158.40, capped at ¥100
    assert c["payout"] == {"refund": {"amount": "88.00"}, "compensation": {"amount": "100.00"},
                           "total": {"amount": "188.00"}, "status": "PENDING", "paidAt": None}
    account = await world.account(shop)
    assert (account["payables"]["amount"], account["deposit"]["amount"]) == ("412.00", "400.00")
    await assert_ledgers_reconcile(api)


async def test_c5_answered_in_time_owes_no_compensation(api, world, claims):
    shop = await world.shop()
    await world.credit(shop, "PAYABLES", "500.00")
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line, quantity="1"))["claim"]
    api.advance(hours=48)  # exactly at the due time: still in time
    c = (await _call(api, ACCEPT, "acceptClaim", shop.merchant, claimId=claim["id"]))["claim"]
    assert c["performedLate"] is False and c["payout"]["compensation"]["amount"] == "0.00"


async def test_c5_two_late_acceptances_on_one_order_pay_one_penalty(api, world, claims):
    shop = await world.shop(products={"a": ("400.00", True), "b": ("400.00", True)})
    await world.credit(shop, "DEPOSIT", "2000.00")
    order = await world.order(shop, {"a": "1", "b": "1"}, signed_at=api.now)
    submitted = [(await claims.submit(line["id"]))["claim"] for line in order["lines"]]
    api.advance(days=3)
    results = await asyncio.gather(*[_call(api, ACCEPT, "acceptClaim", shop.merchant, claimId=c["id"])
                                     for c in submitted])
    assert sorted(r["claim"]["payout"]["compensation"]["amount"] for r in results) == ["0.00", "100.00"]
    await assert_ledgers_reconcile(api)


async def test_v1_late_compensation_left_in_arrears_is_a_breach_withdrawn_once_paid(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line, quantity="1"))["claim"]
    api.advance(days=3)
    await _call(api, ACCEPT, "acceptClaim", shop.merchant, claimId=claim["id"])
    assert await _counts(api, shop, world.buyer) == {"SERVICE_PROMISE_BREACH": 1, "EVIDENCE_ANOMALY": 0}
    listed = (await api.gql(LIST, {"f": None}, token=shop.merchant)).data["violations"]
    assert listed["totalCount"] == 1 and listed["edges"][0]["node"]["claim"] == {"id": claim["id"]}
    await world.credit(shop, "DEPOSIT", "100.00")  # 188.00 in arrears: not yet
    assert (await _counts(api, shop, world.buyer))["SERVICE_PROMISE_BREACH"] == 1
    await world.credit(shop, "DEPOSIT", "88.00")
    assert (await _counts(api, shop, world.buyer))["SERVICE_PROMISE_BREACH"] == 0
    node = (await api.gql(LIST, {"f": None}, token=world.platform)).data["violations"]["edges"][0]["node"]
    assert node["status"] == "WITHDRAWN" and node["withdrawalReason"] and node["appealDeadline"] is None


async def test_c8_a_ruling_collected_in_full_records_no_violation(api, world, appeals):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "500.00")
    await appeals.ruled_claim(shop)
    assert await _counts(api, shop, world.platform) == {"SERVICE_PROMISE_BREACH": 0, "EVIDENCE_ANOMALY": 0}


# ---------------------------------------------------------------- C5 the parties' agreement


async def test_c5_an_agreement_ends_the_claim_refunded_with_the_agreed_amount(api, world, claims):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "500.00")
    claim = await claims.escalated(shop, quantity="1")
    low = await _call(api, PROPOSE, "proposeCompensation", shop.merchant, claimId=claim["id"], amount="99.99")
    assert codes(low) == ["COMPENSATION_BELOW_MINIMUM"] and low["userErrors"][0]["field"] == ["input", "amount"]
    offered = await _call(api, PROPOSE, "proposeCompensation", shop.merchant, claimId=claim["id"], amount="120.00",
                          note="sorry")
    assert offered["claim"]["compensationProposal"]["amount"]["amount"] == "120.00"
    other = await _call(api, ACCEPT_OFFER, "acceptCompensation", world.other_buyer, claimId=claim["id"])
    assert codes(other) == ["NOT_FOUND"]
    done = await _call(api, ACCEPT_OFFER, "acceptCompensation", world.buyer, claimId=claim["id"])
    assert done["userErrors"] == []
    c = done["claim"]
    assert c["status"] == "REFUNDED" and c["payout"]["total"]["amount"] == "208.00"
    assert c["compensationProposal"]["acceptedAt"] is not None
    assert (await world.account(shop))["deposit"]["amount"] == "292.00"
    ruled = await _call(api, RULE, "ruleClaim", world.platform, claimId=claim["id"], outcome="BUYER_WINS")
    assert codes(ruled) == ["INVALID_STATE"]  # an accepted agreement ends the claim


async def test_c5_no_agreement_before_the_claim_failed(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line, quantity="1"))["claim"]
    early = await _call(api, PROPOSE, "proposeCompensation", shop.merchant, claimId=claim["id"], amount="200.00")
    assert codes(early) == ["INVALID_STATE"]
    assert (await claims.read(claim["id"]))["status"] == "AWAITING_MERCHANT"


async def test_c5_an_offer_not_accepted_lapses_when_the_platform_rules(api, world, claims):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "500.00")
    claim = await claims.escalated(shop, quantity="1")
    await _call(api, PROPOSE, "proposeCompensation", shop.merchant, claimId=claim["id"], amount="150.00")
    ruled = await _call(api, RULE, "ruleClaim", world.platform, claimId=claim["id"], outcome="BUYER_WINS")
    assert ruled["claim"]["compensationProposal"] is None
    assert ruled["claim"]["payout"]["compensation"]["amount"] == "100.00"
    late = await _call(api, ACCEPT_OFFER, "acceptCompensation", world.buyer, claimId=claim["id"])
    assert codes(late) == ["INVALID_STATE"]


# ---------------------------------------------------------------- C5 payouts


async def test_c5_a_payout_is_recorded_once_by_the_payment_service(api, world, claims):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "500.00")
    claim = await claims.escalated(shop, quantity="1")
    await _call(api, RULE, "ruleClaim", world.platform, claimId=claim["id"], outcome="BUYER_WINS")
    merchant = await api.gql(PAYOUT, {"input": {"claimId": claim["id"]}}, token=shop.merchant)
    assert merchant.errors and merchant.errors[0]["extensions"]["code"] == "FORBIDDEN"
    paid = await _call(api, PAYOUT, "recordPayout", world.service, claimId=claim["id"])
    assert paid["claim"]["payout"]["status"] == "PAID" and paid["claim"]["payout"]["paidAt"] is not None
    again = await _call(api, PAYOUT, "recordPayout", world.service, claimId=claim["id"])
    assert codes(again) == ["INVALID_STATE"]


# ---------------------------------------------------------------- V by hand, V3 appeals, A7


async def test_v_the_platform_records_and_withdraws_by_hand_and_tenants_are_apart(api, world):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    missing = await _call(api, RECORD, "recordViolation", world.platform, shopId=shop.id,
                          kind="EVIDENCE_ANOMALY", reason=" ")
    assert codes(missing) == ["INVALID_INPUT"]
    made = await _call(api, RECORD, "recordViolation", world.platform, shopId=shop.id, kind="EVIDENCE_ANOMALY",
                       reason="forged waybill")
    violation = made["violation"]
    assert violation["status"] == "IN_FORCE" and violation["appealDeadline"] is not None
    node = "query($id: ID!) { node(id: $id) { id } }"
    assert (await api.gql(node, {"id": violation["id"]}, token=other.merchant)).data["node"] is None
    assert (await api.gql(node, {"id": violation["id"]}, token=shop.agent)).data["node"] == {"id": violation["id"]}
    no_reason = await _call(api, WITHDRAW, "withdrawViolation", world.platform, violationId=violation["id"], reason="")
    assert codes(no_reason) == ["INVALID_INPUT"]
    done = await _call(api, WITHDRAW, "withdrawViolation", world.platform, violationId=violation["id"],
                       reason="mistake")
    assert done["violation"]["status"] == "WITHDRAWN" and done["violation"]["withdrawalReason"] == "mistake"
    assert await _counts(api, shop, world.buyer) == {"SERVICE_PROMISE_BREACH": 0, "EVIDENCE_ANOMALY": 0}


async def test_v3_a_violation_is_appealed_once_within_7_natural_days(api, world, appeals):
    shop = await world.shop()
    first = (await _call(api, RECORD, "recordViolation", world.platform, shopId=shop.id,
                         kind="SERVICE_PROMISE_BREACH", reason="late"))["violation"]
    filed = await appeals.file(shop, "VIOLATION", first["id"])
    assert filed["userErrors"] == [] and filed["appeal"]["subject"]["__typename"] == "Violation"
    assert codes(await appeals.file(shop, "VIOLATION", first["id"])) == ["APPEAL_ALREADY_FILED"]
    await appeals.decide(filed["appeal"]["id"], True)
    assert await _counts(api, shop, world.platform) == {"SERVICE_PROMISE_BREACH": 0, "EVIDENCE_ANOMALY": 0}
    second = (await _call(api, RECORD, "recordViolation", world.platform, shopId=shop.id,
                          kind="SERVICE_PROMISE_BREACH", reason="late again"))["violation"]
    api.advance(days=8)
    assert codes(await appeals.file(shop, "VIOLATION", second["id"])) == ["APPEAL_WINDOW_CLOSED"]


async def test_a7_an_evidence_anomaly_is_a_violation_and_five_rejections_limit_the_shop(api, world, appeals):
    shop = await world.shop()
    reviews = [await appeals.review(shop) for _ in range(5)]
    for n, review in enumerate(reviews):
        appeal = (await appeals.file(shop, "REVIEW", review, ground="EXTORTION"))["appeal"]
        await appeals.decide(appeal["id"], False, evidenceAnomaly=(n == 0))
    assert (await _counts(api, shop, world.platform))["EVIDENCE_ANOMALY"] == 1
    restriction = """query($id: ID!) { shop(id: $id) { appealRestriction { mode automatic reason } } }"""
    data = (await api.gql(restriction, {"id": shop.id}, token=world.platform)).data["shop"]["appealRestriction"]
    assert data["mode"] == "LIMITED" and data["automatic"] is True and "rejected appeals" in data["reason"]


# ---------------------------------------------------------------- F3, F4

TEMPLATES = """query($f: CouponTemplateFilter) { couponTemplates(filter: $f) { edges { node { id } } } }"""


async def test_f3_a_product_page_shows_no_streamer_expired_or_future_coupons(api, world, coupons):
    from domain.shared.actor import Role

    shop = await world.shop()
    product = shop.products["cherries"]["id"]
    merchant = await coupons.created(shop.merchant, issuerKind="MERCHANT", faceValue="1.00")
    streamer = api.token(Role.STREAMER, "star-1")
    live = await coupons.created(streamer, issuerKind="STREAMER", faceValue="1.00")
    later = await coupons.created(faceValue="1.00", validDaysAfterClaim=None,
                                  validFrom=(api.now + timedelta(days=2)).isoformat(),
                                  validUntil=(api.now + timedelta(days=9)).isoformat())

    async def ids(**f):
        reply = await api.gql(TEMPLATES, {"f": f}, token=world.buyer)
        assert not reply.errors, reply.errors
        return {e["node"]["id"] for e in reply.data["couponTemplates"]["edges"]}

    page = await ids(productId=product)
    assert merchant["id"] in page and live["id"] not in page and later["id"] not in page
    assert await ids(liveRoomStreamerId="star-1") == {live["id"]}
    assert later["id"] not in await ids(claimable=True)


REPORT = """query($shop: ID, $from: DateTime!, $to: DateTime!) { governanceReport(shopId: $shop, from: $from, to: $to) {
  ordersDelivered claimsSubmitted claimRate returnRate violationsRecorded { kind inForce } } }"""


async def test_f4_the_report_agrees_with_the_experience_score(api, world, claims):
    shop = await world.shop(products={"a": ("10.00", True), "b": ("10.00", True)})
    start = api.now - timedelta(days=1)
    order = await world.order(shop, {"a": "1", "b": "1"}, signed_at=api.now)
    await world.order(shop, {"a": "1"}, signed_at=api.now)
    first = (await claims.submit(order["lines"][0]["id"], reason="QUALITY_ISSUE", evidence=[]))["claim"]
    await claims.submit(order["lines"][1]["id"], reason="QUALITY_ISSUE", evidence=[])
    third = await world.order(shop, {"b": "1"}, signed_at=api.now)
    withdrawn = (await claims.submit(third["lines"][0]["id"], reason="QUALITY_ISSUE", evidence=[]))["claim"]
    await claims.call("withdrawClaim", world.buyer, claimId=withdrawn["id"])
    await _call(api, RECORD, "recordViolation", world.platform, shopId=shop.id, kind="EVIDENCE_ANOMALY", reason="x")
    assert first
    reply = await api.gql(REPORT, {"shop": shop.id, "from": start.isoformat(),
                                   "to": (api.now + timedelta(days=1)).isoformat()}, token=shop.merchant)
    report = reply.data["governanceReport"]
    assert report["ordersDelivered"] == 3 and report["claimsSubmitted"] == 3
    assert report["claimRate"] == 2 / 3  # the withdrawn claim is left out
    assert report["returnRate"] == 1 / 3  # one order of three counted, once
    assert {v["kind"]: v["inForce"] for v in report["violationsRecorded"]} == {"SERVICE_PROMISE_BREACH": 0,
                                                                                "EVIDENCE_ANOMALY": 1}


# ---------------------------------------------------------------- C5 races: one penalty per order


async def test_c5_a_late_acceptance_racing_a_ruling_charges_one_penalty(api, world, claims):
    """Line a: accepted late by the merchant; line b: ruled BUYER_WINS by the platform, at the same moment."""
    shop = await world.shop(products={"a": ("400.00", True), "b": ("400.00", True)})
    await world.credit(shop, "DEPOSIT", "2000.00")
    order = await world.order(shop, {"a": "1", "b": "1"}, signed_at=api.now)
    waiting = (await claims.submit(order["lines"][0]["id"]))["claim"]
    escalated = await claims.escalate(shop, order["lines"][1]["id"])
    api.advance(days=3)
    accepted, ruled = await asyncio.gather(
        _call(api, ACCEPT, "acceptClaim", shop.merchant, claimId=waiting["id"]),
        _call(api, RULE, "ruleClaim", world.platform, claimId=escalated["id"], outcome="BUYER_WINS"))
    charged = sorted(r["claim"]["payout"]["compensation"]["amount"] for r in (accepted, ruled))
    assert charged == ["0.00", "100.00"]
    assert (await world.account(shop))["deposit"]["amount"] == "1100.00"  # 2000 − 800 − 100
    await assert_ledgers_reconcile(api)


async def test_c5_an_agreement_racing_an_escalation_collects_at_most_once(api, world, claims):
    shop = await world.shop(products={"a": ("400.00", True), "b": ("400.00", True)})
    await world.credit(shop, "DEPOSIT", "2000.00")
    order = await world.order(shop, {"a": "1", "b": "1"}, signed_at=api.now)
    first = (await claims.submit(order["lines"][0]["id"]))["claim"]
    await claims.call("rejectClaim", shop.merchant, claimId=first["id"], reason="no")
    other = await claims.escalate(shop, order["lines"][1]["id"])
    await _call(api, PROPOSE, "proposeCompensation", shop.merchant, claimId=first["id"], amount="100.00")
    agreed, escalation = await asyncio.gather(
        _call(api, ACCEPT_OFFER, "acceptCompensation", world.buyer, claimId=first["id"]),
        claims.call("escalateClaim", world.buyer, claimId=first["id"]))
    assert agreed["userErrors"] == []  # the offer stands while the claim is escalated, so it is accepted either way
    assert (await claims.read(first["id"]))["status"] == "REFUNDED"
    ruled = await _call(api, RULE, "ruleClaim", world.platform, claimId=other["id"], outcome="BUYER_WINS")
    assert ruled["claim"]["payout"]["compensation"]["amount"] == "0.00"  # the agreement charged the order's penalty
    assert codes(escalation) in ([], ["INVALID_STATE"])  # escalated first, or found the claim already REFUNDED
    await assert_ledgers_reconcile(api)


async def test_c5_a_refusal_reads_in_chinese_and_changes_nothing(api, world, claims):
    shop = await world.shop()
    claim = await claims.escalated(shop, quantity="1")
    reply = await api.gql(PROPOSE, {"input": {"claimId": claim["id"], "amount": "1.00"}}, token=shop.merchant,
                          headers={"Accept-Language": "zh-CN"})
    error = reply.payload("proposeCompensation")["userErrors"][0]
    assert error["code"] == "COMPENSATION_BELOW_MINIMUM"
    assert error["message"].startswith("赔付金额不得低于该订单的标准赔付金额") and "100.00" in error["message"]
    assert (await claims.read(claim["id"]))["status"] == "ESCALATED"
    read = await api.gql("query($id: ID!) { claim(id: $id) { compensationProposal { amount { amount } } } }",
                         {"id": claim["id"]}, token=shop.merchant)
    assert read.data["claim"]["compensationProposal"] is None
