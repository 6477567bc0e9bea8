"""Bad-order compensation claims through the public API (SPEC C1–C8)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from domain.shared.actor import Role
from tests.api.claims_world import MUTATIONS
from tests.reconcile import assert_ledgers_reconcile


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


# ---------------------------------------------------------------- C1 scope


@pytest.mark.parametrize("sku, reason, covered", [
    ("cherries", "DAMAGED", True), ("cherries", "ROTTEN_OR_SPOILED", True),
    ("cherries", "QUALITY_ISSUE", False), ("bowl", "DAMAGED", False), ("cherries", "OTHER", False),
])
async def test_c1_coverage_needs_fresh_food_and_a_rot_or_damage_reason(api, world, claims, sku, reason, covered):
    """C1; A5: an order's first after-sale counts toward the return rate for a product reason, not OTHER."""
    shop = await world.shop()
    _, line = await claims.delivered_line(shop, {sku: "2"})
    data = await claims.submit(line, reason=reason)
    assert data["userErrors"] == []
    claim = data["claim"]
    assert claim["coveredByGuarantee"] is covered and claim["status"] == "AWAITING_MERCHANT"
    assert claim["countsTowardReturnRate"] is (reason != "OTHER")
    assert claim["standardPenalty"]["amount"] == ("52.80" if covered else "0.00")


async def test_c1_an_ordinary_claim_cannot_be_escalated(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop, {"bowl": "1"})
    claim = (await claims.submit(line, evidence=[]))["claim"]
    await claims.call("rejectClaim", shop.merchant, claimId=claim["id"], reason="no")
    assert codes(await claims.call("escalateClaim", world.buyer, claimId=claim["id"])) == ["CLAIM_NOT_COVERED"]


# ---------------------------------------------------------------- C2 window


async def test_c2_exactly_24_hours_after_sign_off_still_counts(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    evidence = await claims.evidence()
    api.advance(hours=24)
    assert (await claims.submit(line, evidence=evidence))["userErrors"] == []


async def test_c2_one_second_later_the_window_is_closed(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    evidence = await claims.evidence()
    api.advance(hours=24, seconds=1)
    data = await claims.submit(line, evidence=evidence)
    assert codes(data) == ["CLAIM_WINDOW_CLOSED"] and data["claim"] is None


async def test_c2_an_ordinary_claim_has_no_24_hour_window(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    api.advance(days=5)
    assert (await claims.submit(line, reason="QUALITY_ISSUE", evidence=[]))["userErrors"] == []


async def test_c2_an_order_without_sign_off_cannot_be_claimed(api, world, claims):
    shop = await world.shop()
    order = await world.order(shop)
    data = await claims.submit(order["lines"][0]["id"])
    assert codes(data) == ["NOT_DELIVERED"]


# ---------------------------------------------------------------- C3 evidence


@pytest.mark.parametrize("kinds, ok", [
    (("DAMAGE_DETAIL", "WAYBILL", "OVERALL"), True),
    (("COURIER_CERTIFICATE",), True),
    (("DAMAGE_DETAIL", "OVERALL", "CHAT_RECORD"), False),
    (("DAMAGE_DETAIL", "WAYBILL"), False),
    ((), False),
])
async def test_c3_a_guarantee_claim_needs_a_complete_evidence_set(api, world, claims, kinds, ok):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    data = await claims.submit(line, evidence=await claims.evidence(kinds))
    assert codes(data) == ([] if ok else ["EVIDENCE_INCOMPLETE"])


async def test_c3_someone_elses_upload_reads_as_not_found(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    evidence = await claims.evidence()
    evidence[1] = (await claims.evidence(("WAYBILL",), token=world.other_buyer))[0]
    data = await claims.submit(line, evidence=evidence)
    assert codes(data) == ["NOT_FOUND"] and data["userErrors"][0]["field"] == ["input", "evidence", "1", "uploadId"]
    evidence[1]["uploadId"] = "upl_does_not_exist"
    assert codes(await claims.submit(line, evidence=evidence)) == ["NOT_FOUND"]


async def test_c3_evidence_keeps_its_sha256_and_content_type(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    reply = await claims.upload()
    uploaded = reply.json()
    evidence = [{"kind": "COURIER_CERTIFICATE", "uploadId": uploaded["uploadId"]}]
    item = (await claims.submit(line, evidence=evidence))["claim"]["evidence"][0]
    assert item["sha256"] == uploaded["sha256"] and len(item["sha256"]) == 64
    assert item["contentType"] == "image/jpeg" and item["url"] == uploaded["url"] and item["invalidated"] is False


async def test_c3_invalidated_evidence_no_longer_counts(api, world, claims):
    shop = await world.shop()
    claim = await claims.escalated(shop)
    waybill = next(e for e in claim["evidence"] if e["kind"] == "WAYBILL")
    data = await claims.call("invalidateEvidence", world.platform, claimId=claim["id"], evidenceId=waybill["id"],
                             reason="edited label")
    item = next(e for e in data["claim"]["evidence"] if e["id"] == waybill["id"])
    assert item["invalidated"] is True and item["invalidReason"] == "edited label"
    assert codes(await claims.call("invalidateEvidence", world.platform, claimId=claim["id"],
                                   evidenceId=waybill["id"], reason="again")) == ["INVALID_STATE"]
    ruling = await claims.call("ruleClaim", world.platform, claimId=claim["id"], outcome="BUYER_WINS")
    assert codes(ruling) == ["EVIDENCE_INCOMPLETE"]
    # During escalation the buyer may complete the set again (C5).
    added = await claims.call("addClaimEvidence", world.buyer, claimId=claim["id"],
                              evidence=await claims.evidence(("WAYBILL",)))
    assert added["userErrors"] == [] and len(added["claim"]["evidence"]) == 4
    assert (await claims.call("ruleClaim", world.platform, claimId=claim["id"], outcome="BUYER_WINS"))[
        "userErrors"
    ] == []


async def test_c3_only_the_platform_invalidates_evidence(api, world, claims):
    shop = await world.shop()
    claim = await claims.escalated(shop)
    reply = await api.gql(MUTATIONS["invalidateEvidence"], {"input": {
        "claimId": claim["id"], "evidenceId": claim["evidence"][0]["id"], "reason": "x"}}, token=shop.merchant)
    assert reply.codes == ["FORBIDDEN"]


# ---------------------------------------------------------------- C4 standard refund


@pytest.mark.parametrize("damaged, refund", [
    ("3", "264.00"),      # exactly 30 %: proportional
    ("3.001", "880.00"),  # just over 30 %: the whole paid amount
    ("1", "88.00"),
    ("10", "880.00"),
    ("0.5", "44.00"),
])
async def test_c4_standard_refund(api, world, claims, damaged, refund):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop, {"cherries": "10"})
    claim = (await claims.submit(line, quantity=damaged))["claim"]
    assert claim["standardRefund"]["amount"] == refund
    assert claim["orderLine"]["paidAmount"]["amount"] == "880.00"


async def test_c4_half_a_fen_rounds_up(api, world, claims):
    shop = await world.shop(products={"sprouts": ("0.05", True)})
    _, line = await claims.delivered_line(shop, {"sprouts": "2"})
    claim = (await claims.submit(line, quantity="0.5"))["claim"]
    assert claim["standardRefund"]["amount"] == "0.03"   # 0.10 × 0.5/2 = 0.025 → 0.03 (G1)
    assert claim["standardPenalty"]["amount"] == "5.00"  # 30 % of 0.10 = 0.03, floored at ¥5 (C6)


@pytest.mark.parametrize("damaged", ["0", "-1", "10.001", "0.0001"])
async def test_c4_damaged_quantity_is_above_zero_and_at_most_the_line(api, world, claims, damaged):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop, {"cherries": "10"})
    data = await claims.submit(line, quantity=damaged)
    assert codes(data) == ["INVALID_INPUT"] and data["userErrors"][0]["field"] == ["input", "damagedQuantity"]
    assert (await api.gql("{ claims { totalCount } }", token=world.platform)).data["claims"]["totalCount"] == 0


# ---------------------------------------------------------------- C5 flow


async def test_c5_merchant_accepts_and_pays_from_payables_first(api, world, claims):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "500.00")
    await world.credit(shop, "PAYABLES", "50.00")
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line, quantity="1"))["claim"]
    data = await claims.call("acceptClaim", shop.merchant, claimId=claim["id"])
    accepted = data["claim"]
    assert accepted["status"] == "REFUNDED" and accepted["refunded"]["amount"] == "88.00"
    read = await claims.read(claim["id"], shop.merchant)
    assert [(e["kind"], e["bucket"], e["amount"]["amount"], e["claim"]["id"]) for e in read["ledgerEntries"]] == [
        ("CLAIM_REFUND", "PAYABLES", "-50.00", claim["id"]), ("CLAIM_REFUND", "DEPOSIT", "-38.00", claim["id"])]
    account = await world.account(shop)
    assert (account["deposit"]["amount"], account["payables"]["amount"]) == ("462.00", "0.00")
    assert [e["type"] for e in read["events"]] == ["SUBMITTED", "ACCEPTED"]
    assert read["events"][1]["actorRole"] == "MERCHANT" and read["events"][1]["actorId"] == "merchant-1"
    await assert_ledgers_reconcile(api)


async def test_c5_reject_then_escalate(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    assert codes(await claims.call("rejectClaim", shop.merchant, claimId=claim["id"], reason="  ")) == ["INVALID_INPUT"]
    rejected = (await claims.call("rejectClaim", shop.merchant, claimId=claim["id"], reason="photos unclear"))["claim"]
    assert rejected["status"] == "REJECTED" and rejected["merchantRejectReason"] == "photos unclear"
    escalated = (await claims.call("escalateClaim", world.buyer, claimId=claim["id"]))["claim"]
    assert escalated["status"] == "ESCALATED"
    assert [e["type"] for e in escalated["events"]] == ["SUBMITTED", "REJECTED", "ESCALATED"]


async def test_c5_an_unanswered_claim_may_be_escalated_once_the_merchant_is_late(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    due = claim["merchantResponseDueAt"]
    assert due == (api.now + timedelta(hours=48)).isoformat().replace("+00:00", "Z")
    api.advance(hours=48)
    assert codes(await claims.call("escalateClaim", world.buyer, claimId=claim["id"])) == ["INVALID_STATE"]
    api.advance(seconds=1)
    assert (await claims.call("escalateClaim", world.buyer, claimId=claim["id"]))["claim"]["status"] == "ESCALATED"


async def test_c5_withdrawal_while_undecided_only(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    withdrawn = (await claims.call("withdrawClaim", world.buyer, claimId=claim["id"]))["claim"]
    assert withdrawn["status"] == "WITHDRAWN" and withdrawn["countsTowardReturnRate"] is False
    assert codes(await claims.call("withdrawClaim", world.buyer, claimId=claim["id"])) == ["INVALID_STATE"]
    assert codes(await claims.call("acceptClaim", shop.merchant, claimId=claim["id"])) == ["INVALID_STATE"]
    # A withdrawn claim is closed: the line may be claimed again.
    assert (await claims.submit(line))["userErrors"] == []


async def test_c5_one_open_claim_per_order_line(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    await claims.submit(line)
    assert codes(await claims.submit(line)) == ["CLAIM_ALREADY_OPEN"]


async def test_c5_a_refunded_line_is_not_compensated_twice(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    await claims.call("acceptClaim", shop.merchant, claimId=claim["id"])
    assert codes(await claims.submit(line)) == ["INVALID_STATE"]


async def test_c5_evidence_is_added_during_escalation_only(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    data = await claims.call(
        "addClaimEvidence", world.buyer, claimId=claim["id"], evidence=await claims.evidence(("OTHER",))
    )
    assert codes(data) == ["INVALID_STATE"]
    assert len((await claims.read(claim["id"]))["evidence"]) == 3


async def test_c5_the_merchant_response_time_is_a_setting(api, world, claims, settings, app):
    from dataclasses import replace

    graphql = app.state.graphql
    original = graphql.policies  # made from the settings once, at start-up
    graphql.policies = replace(original, claim=replace(settings, merchant_response_hours=24).claim_policy)
    try:
        shop = await world.shop()
        _, line = await claims.delivered_line(shop)
        claim = (await claims.submit(line))["claim"]
    finally:
        graphql.policies = original
    assert claim["merchantResponseDueAt"] == (api.now + timedelta(hours=24)).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------- C6 ruling, C7 collection


@pytest.mark.parametrize("cherries, damaged, refund, penalty", [
    ("1", "1", "88.00", "26.40"),     # 30 % of 88.00
    ("10", "1", "88.00", "100.00"),   # 30 % of 880.00 = 264.00, capped at ¥100
])
async def test_c6_buyer_wins_costs_refund_plus_penalty(api, world, claims, cherries, damaged, refund, penalty):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "1000.00")
    _, line = await claims.delivered_line(shop, {"cherries": cherries})
    claim = (await claims.submit(line, quantity=damaged))["claim"]
    await claims.call("rejectClaim", shop.merchant, claimId=claim["id"], reason="no")
    await claims.call("escalateClaim", world.buyer, claimId=claim["id"])
    ruled = (await claims.call("ruleClaim", world.platform, claimId=claim["id"], outcome="BUYER_WINS"))["claim"]
    assert ruled["status"] == "RULED" and ruled["refunded"]["amount"] == refund
    assert (ruled["ruling"]["outcome"], ruled["ruling"]["refund"]["amount"], ruled["ruling"]["penalty"]["amount"]) == (
        "BUYER_WINS", refund, penalty)
    kinds = [(e["kind"], e["amount"]["amount"]) for e in ruled["ledgerEntries"]]
    assert kinds == [("CLAIM_REFUND", f"-{refund}"), ("CLAIM_PENALTY", f"-{penalty}")]
    await assert_ledgers_reconcile(api)


async def test_c6_an_agreed_penalty_may_not_be_below_the_platform_amount(api, world, claims):
    shop = await world.shop()
    claim = await claims.escalated(shop, quantity="1")
    below = await claims.call("ruleClaim", world.platform, claimId=claim["id"], outcome="BUYER_WINS",
                              agreedPenalty="99.99")
    assert codes(below) == ["PENALTY_BELOW_MINIMUM"]
    assert (await claims.read(claim["id"]))["status"] == "ESCALATED"
    agreed = await claims.call("ruleClaim", world.platform, claimId=claim["id"], outcome="BUYER_WINS",
                               agreedPenalty="150.00")
    assert agreed["claim"]["ruling"]["penalty"]["amount"] == "150.00"


async def test_c6_force_majeure_is_refund_only(api, world, claims):
    shop = await world.shop()
    claim = await claims.escalated(shop, quantity="1")
    ruled = (await claims.call("ruleClaim", world.platform, claimId=claim["id"], outcome="FORCE_MAJEURE",
                               forceMajeureCause="TYPHOON", note="台风导致停运"))["claim"]
    assert (ruled["ruling"]["refund"]["amount"], ruled["ruling"]["penalty"]["amount"]) == ("88.00", "0.00")
    assert (ruled["ruling"]["forceMajeureCause"], ruled["ruling"]["note"]) == ("TYPHOON", "台风导致停运")
    assert [e["kind"] for e in ruled["ledgerEntries"]] == ["CLAIM_REFUND"]


@pytest.mark.parametrize("reason", ["EVIDENCE_INVALID", "EVIDENCE_INSUFFICIENT", "NOT_ELIGIBLE", "ABUSE"])
async def test_c6_merchant_wins_costs_the_merchant_nothing(api, world, claims, reason):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "10.00")
    claim = await claims.escalated(shop)
    ruled = (await claims.call("ruleClaim", world.platform, claimId=claim["id"], outcome="MERCHANT_WINS",
                               merchantWinsReason=reason))["claim"]
    assert ruled["ruling"]["merchantWinsReason"] == reason and ruled["refunded"]["amount"] == "0.00"
    assert ruled["ledgerEntries"] == [] and (await world.account(shop))["deposit"]["amount"] == "10.00"


@pytest.mark.parametrize("extra", [
    {"outcome": "MERCHANT_WINS"},
    {"outcome": "BUYER_WINS", "merchantWinsReason": "ABUSE"},
    {"outcome": "FORCE_MAJEURE", "forceMajeureCause": "FOG", "agreedPenalty": "10.00"},
    {"outcome": "BUYER_WINS", "agreedPenalty": "10.001"},
    {"outcome": "FORCE_MAJEURE"},  # C6: the cause is required for this outcome …
    {"outcome": "BUYER_WINS", "forceMajeureCause": "FOG"},  # … and refused for the others
    {"outcome": "MERCHANT_WINS", "merchantWinsReason": "ABUSE", "forceMajeureCause": "OTHER"},
    {"outcome": "BUYER_WINS", "note": "  "},  # a note is 1–1000 characters
])
async def test_c6_inconsistent_rulings_are_refused(api, world, claims, extra):
    shop = await world.shop()
    claim = await claims.escalated(shop)
    assert codes(await claims.call("ruleClaim", world.platform, claimId=claim["id"], **extra)) == ["INVALID_INPUT"]
    assert (await claims.read(claim["id"]))["status"] == "ESCALATED"


async def test_c6_only_escalated_claims_are_ruled(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    assert codes(await claims.call("ruleClaim", world.platform, claimId=claim["id"], outcome="BUYER_WINS")) == [
        "INVALID_STATE"]


async def test_c7_collection_takes_deposit_then_payables_then_leaves_arrears(api, world, claims):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "100.00")
    await world.credit(shop, "PAYABLES", "10.00")
    _, line = await claims.delivered_line(shop, {"cherries": "1"})
    claim = (await claims.submit(line, quantity="1"))["claim"]
    await claims.call("rejectClaim", shop.merchant, claimId=claim["id"], reason="no")
    await claims.call("escalateClaim", world.buyer, claimId=claim["id"])
    ruled = (await claims.call("ruleClaim", world.platform, claimId=claim["id"], outcome="BUYER_WINS"))["claim"]
    # refund 88.00 then penalty 26.40 = 114.40 against 100.00 + 10.00
    assert [(e["kind"], e["bucket"], e["amount"]["amount"]) for e in ruled["ledgerEntries"]] == [
        ("CLAIM_REFUND", "DEPOSIT", "-88.00"),
        ("CLAIM_PENALTY", "DEPOSIT", "-12.00"), ("CLAIM_PENALTY", "PAYABLES", "-10.00"),
        ("CLAIM_PENALTY", "DEPOSIT", "-4.40"),
    ]
    account = await world.account(shop)
    assert (account["deposit"]["amount"], account["payables"]["amount"]) == ("-4.40", "0.00")
    await assert_ledgers_reconcile(api)


# ---------------------------------------------------------------- G6 authorization


async def test_claims_of_others_read_as_not_found(api, world, claims):
    shop = await world.shop()
    other = await world.shop("Other", merchant="merchant-2")
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    for token in (world.other_buyer, other.merchant, other.agent):
        assert await claims.read(claim["id"], token) is None
    for token in (world.buyer, shop.merchant, shop.agent, world.platform):
        assert (await claims.read(claim["id"], token))["id"] == claim["id"]
    assert codes(await claims.call("acceptClaim", other.merchant, claimId=claim["id"])) == ["NOT_FOUND"]
    assert codes(await claims.call("withdrawClaim", world.other_buyer, claimId=claim["id"])) == ["NOT_FOUND"]
    assert (await claims.read(claim["id"]))["status"] == "AWAITING_MERCHANT"


async def test_a_buyer_claims_only_own_order_lines(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    data = await claims.submit(line, token=world.other_buyer)
    assert codes(data) == ["NOT_FOUND"] and data["userErrors"][0]["field"] == ["input", "orderLineId"]
    assert codes(await claims.submit("T3JkZXJMaW5lOjk5OTk5")) == ["NOT_FOUND"]


@pytest.mark.parametrize("name, role", [("acceptClaim", Role.BUYER), ("acceptClaim", Role.AGENT),
                                        ("ruleClaim", Role.MERCHANT), ("submitClaim", Role.MERCHANT),
                                        ("escalateClaim", Role.PLATFORM)])
async def test_wrong_roles_are_forbidden(api, world, claims, name, role):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    token = api.token(role, shop=shop.id if role in (Role.MERCHANT, Role.AGENT) else None)
    inputs = {"acceptClaim": {"claimId": claim["id"]}, "escalateClaim": {"claimId": claim["id"]},
              "ruleClaim": {"claimId": claim["id"], "outcome": "BUYER_WINS"},
              "submitClaim": {"orderLineId": line, "reason": "DAMAGED", "damagedQuantity": "1", "evidence": []}}
    reply = await api.gql(MUTATIONS[name], {"input": inputs[name]}, token=token)
    assert reply.codes == ["FORBIDDEN"]


async def test_only_the_shops_merchant_and_the_platform_see_ledger_entries(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    await claims.call("acceptClaim", shop.merchant, claimId=claim["id"])
    assert len((await claims.read(claim["id"], shop.merchant))["ledgerEntries"]) == 1
    assert (await claims.read(claim["id"], world.buyer))["ledgerEntries"] == []
    assert (await claims.read(claim["id"], shop.agent))["ledgerEntries"] == []


# ---------------------------------------------------------------- lists


async def test_claims_lists_are_scoped_filtered_and_paged(api, world, claims):
    shop = await world.shop()
    other = await world.shop("Other", merchant="merchant-2")
    ids = []
    for _ in range(3):
        _, line = await claims.delivered_line(shop)
        ids.append((await claims.submit(line))["claim"]["id"])
    _, line = await claims.delivered_line(other, token=world.other_buyer)
    foreign = (await claims.submit(line, token=world.other_buyer))["claim"]["id"]
    await claims.call("rejectClaim", shop.merchant, claimId=ids[0], reason="no")

    query = """query($f: ClaimFilter, $first: Int, $after: String) { claims(filter: $f, first: $first, after: $after) {
      totalCount edges { cursor node { id status } } pageInfo { hasNextPage hasPreviousPage endCursor } } }"""

    async def ids_for(token, f=None):
        data = (await api.gql(query, {"f": f}, token=token)).data["claims"]
        return [e["node"]["id"] for e in data["edges"]], data["totalCount"]

    assert await ids_for(world.buyer) == (ids[::-1], 3)
    assert await ids_for(world.other_buyer) == ([foreign], 1)
    assert await ids_for(shop.merchant) == (ids[::-1], 3)
    assert await ids_for(other.agent) == ([foreign], 1)
    assert await ids_for(world.platform) == ([foreign, *ids[::-1]], 4)
    assert await ids_for(world.platform, {"shopId": other.id}) == ([foreign], 1)
    assert await ids_for(world.platform, {"status": ["REJECTED"]}) == ([ids[0]], 1)
    assert await ids_for(world.platform, {"buyerId": "buyer-2"}) == ([foreign], 1)
    assert await ids_for(shop.merchant, {"shopId": other.id}) == ([], 0)
    assert await ids_for(world.buyer, {"buyerId": "buyer-2"}) == ([], 0)
    assert (await api.gql(query, token=world.service)).codes == ["FORBIDDEN"]

    first = (await api.gql(query, {"first": 2}, token=world.platform)).data["claims"]
    assert first["pageInfo"]["hasNextPage"] is True and first["totalCount"] == 4
    rest = (await api.gql(query, {"first": 2, "after": first["pageInfo"]["endCursor"]}, token=world.platform)).data[
        "claims"
    ]
    assert [e["node"]["id"] for e in first["edges"] + rest["edges"]] == [foreign, *ids[::-1]]
    assert rest["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True, "endCursor": rest["edges"][-1]["cursor"]}


# ---------------------------------------------------------------- races


async def test_racing_accepts_pay_exactly_one_refund(api, world, claims):
    shop = await world.shop()
    await world.credit(shop, "PAYABLES", "1000.00")
    for _ in range(3):
        _, line = await claims.delivered_line(shop)
        claim = (await claims.submit(line, quantity="1"))["claim"]
        results = await asyncio.gather(
            *[claims.call("acceptClaim", shop.merchant, claimId=claim["id"]) for _ in range(8)]
        )
        assert sum(1 for r in results if r["claim"]) == 1
        assert all(codes(r) == ["INVALID_STATE"] for r in results if not r["claim"])
        assert len((await claims.read(claim["id"]))["ledgerEntries"]) == 1
    assert (await world.account(shop))["payables"]["amount"] == "736.00"
    await assert_ledgers_reconcile(api)


async def test_racing_rulings_collect_exactly_once(api, world, claims):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "1000.00")
    claim = await claims.escalated(shop, quantity="1")
    outcomes = ["BUYER_WINS", "FORCE_MAJEURE"] * 4
    results = await asyncio.gather(*[claims.call("ruleClaim", world.platform, claimId=claim["id"], outcome=o)
                                     for o in outcomes])
    assert sum(1 for r in results if r["claim"]) == 1
    ruled = await claims.read(claim["id"])
    expected = {"BUYER_WINS": 2, "FORCE_MAJEURE": 1}[ruled["ruling"]["outcome"]]
    assert len(ruled["ledgerEntries"]) == expected
    await assert_ledgers_reconcile(api)


async def test_racing_submissions_open_one_claim_per_line(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    evidence = [await claims.evidence() for _ in range(6)]
    results = await asyncio.gather(*[claims.submit(line, evidence=e) for e in evidence])
    assert sum(1 for r in results if r["claim"]) == 1
    assert all(codes(r) == ["CLAIM_ALREADY_OPEN"] for r in results if not r["claim"])
