"""Rules III through the public API: the four misreadings the outside reading found (C3 the buyer's burden, W7 the
after-sale period at filing, A2 one 仲裁/賠付 chance, A5 the first after-sale) and A1's mid and bad reviews."""

from __future__ import annotations

from datetime import timedelta

from domain.calendar.model import natural_days_end
from tests.api.coupons_world import codes
from tests.api.test_rules_ii import _couponed_order

# ---------------------------------------------------------------- C3 the buyer carries the burden of proof


async def test_c3_the_shops_certificate_never_completes_the_buyers_set(api, world, claims):
    """The buyer's three photos are invalidated; the shop's C9 response carried a courier certificate (saying the
    goods were intact). Only what the buyer submitted counts: BUYER_WINS is refused."""
    shop = await world.shop()
    claim = await claims.escalated(shop, quantity="1")
    certificate = await claims.evidence(("COURIER_CERTIFICATE",), token=shop.merchant)
    responded = await claims.call("respondToEscalation", shop.merchant, claimId=claim["id"],
                                  statement="the courier certifies the goods were intact", evidence=certificate)
    assert responded["userErrors"] == []
    for item in claim["evidence"]:
        invalidated = await claims.call("invalidateEvidence", world.platform, claimId=claim["id"],
                                        evidenceId=item["id"], reason="edited")
        assert invalidated["userErrors"] == []
    ruled = await claims.call("ruleClaim", world.platform, claimId=claim["id"], outcome="BUYER_WINS")
    assert codes(ruled) == ["EVIDENCE_INCOMPLETE"]
    assert (await claims.read(claim["id"]))["status"] == "ESCALATED"


async def test_c3_a_certificate_the_buyer_adds_in_escalation_counts(api, world, claims):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "500.00")
    claim = await claims.escalated(shop, quantity="1")
    for item in claim["evidence"]:
        await claims.call("invalidateEvidence", world.platform, claimId=claim["id"], evidenceId=item["id"],
                          reason="edited")
    added = await claims.call("addClaimEvidence", world.buyer, claimId=claim["id"],
                              evidence=await claims.evidence(("COURIER_CERTIFICATE",)))
    assert added["userErrors"] == []
    ruled = await claims.call("ruleClaim", world.platform, claimId=claim["id"], outcome="BUYER_WINS")
    assert ruled["userErrors"] == [] and ruled["claim"]["status"] == "RULED"


# ---------------------------------------------------------------- W7 the after-sale period counts at filing


async def test_w7_a_claim_filed_in_time_and_ruled_on_day_17_returns_the_coupons(api, world, coupons, claims):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "500.00")
    order, coupon = await _couponed_order(api, world, coupons, shop, {"cherries": "1"})
    api.advance(hours=1)
    claim = await claims.escalate(shop, order["lines"][0]["id"], quantity="1")
    api.advance(days=17)
    ruled = await claims.call("ruleClaim", world.platform, claimId=claim["id"], outcome="BUYER_WINS")
    assert ruled["userErrors"] == []
    assert await coupons.status(coupon) == "AVAILABLE"


async def test_w7_filed_at_the_last_second_of_day_15_and_accepted_on_day_16(api, world, coupons, claims):
    shop = await world.shop()
    await world.credit(shop, "PAYABLES", "500.00")
    order, coupon = await _couponed_order(api, world, coupons, shop, {"cherries": "1"})
    last = natural_days_end(api.now, 15).replace(microsecond=0)
    api.now = last
    claim = (await claims.submit(order["lines"][0]["id"], reason="QUALITY_ISSUE", quantity="1",
                                 evidence=[]))["claim"]
    assert claim is not None
    api.now = last + timedelta(minutes=30, seconds=1)  # 00:30 on day 16, Shanghai
    accepted = await claims.call("acceptClaim", shop.merchant, claimId=claim["id"])
    assert accepted["userErrors"] == []
    assert await coupons.status(coupon) == "AVAILABLE"


async def test_w7_a_claim_filed_after_the_period_returns_nothing(api, world, coupons, claims):
    shop = await world.shop()
    await world.credit(shop, "PAYABLES", "500.00")
    order, coupon = await _couponed_order(api, world, coupons, shop, {"cherries": "1"})
    api.now = natural_days_end(api.now, 15) + timedelta(microseconds=1)
    claim = (await claims.submit(order["lines"][0]["id"], reason="QUALITY_ISSUE", quantity="1",
                                 evidence=[]))["claim"]
    await claims.call("acceptClaim", shop.merchant, claimId=claim["id"])
    assert await coupons.status(coupon) == "USED"


CANCEL = "mutation($id: ID!) { cancelOrder(input: {orderId: $id}) { userErrors { code } } }"


async def test_w7_cancelling_a_delivered_order_is_an_after_sale_filed_then(api, world, coupons):
    shop = await world.shop()
    in_time, kept = await _couponed_order(api, world, coupons, shop, {"cherries": "1"})
    late, lost = await _couponed_order(api, world, coupons, shop, {"cherries": "1"})
    api.advance(days=10)
    assert (await api.gql(CANCEL, {"id": in_time["id"]}, token=world.service)).payload("cancelOrder") == {
        "userErrors": []}
    api.advance(days=10)
    assert (await api.gql(CANCEL, {"id": late["id"]}, token=world.service)).payload("cancelOrder") == {
        "userErrors": []}
    assert (await coupons.status(kept), await coupons.status(lost)) == ("AVAILABLE", "USED")


# ---------------------------------------------------------------- A2 one 仲裁/賠付 chance


async def test_a2_arbitration_and_compensation_are_one_chance(api, world, appeals):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "500.00")
    claim = await appeals.ruled_claim(shop)
    arbitration = (await appeals.file(shop, "ARBITRATION", claim["id"]))["appeal"]
    await appeals.decide(arbitration["id"], False)
    second = await appeals.file(shop, "COMPENSATION", claim["id"])
    assert codes(second) == ["APPEAL_ALREADY_FILED"]
    assert (await world.account(shop))["deposit"]["amount"] == "312.00"  # 500 − 88 − 100: nothing reversed


async def test_a2_compensation_first_closes_arbitration_too(api, world, appeals):
    shop = await world.shop()
    claim = await appeals.ruled_claim(shop)
    assert (await appeals.file(shop, "COMPENSATION", claim["id"]))["userErrors"] == []
    assert codes(await appeals.file(shop, "ARBITRATION", claim["id"])) == ["APPEAL_ALREADY_FILED"]


# ---------------------------------------------------------------- A5 the first after-sale, once per order

SCORE = """query($id: ID!) { shop(id: $id) { experienceScore { returnRate countedOrders countedClaims
  deliveredOrders } } }"""


async def _score(api, world, shop) -> dict:
    return (await api.gql(SCORE, {"id": shop.id}, token=world.platform)).data["shop"]["experienceScore"]


async def test_a5_three_claims_on_one_order_count_it_once(api, world, claims):
    shop = await world.shop(products={"a": ("10.00", True), "b": ("10.00", True), "c": ("10.00", True)})
    order = await world.order(shop, {"a": "1", "b": "1", "c": "1"}, signed_at=api.now)
    submitted = [(await claims.submit(line["id"], reason="QUALITY_ISSUE", evidence=[]))["claim"]
                 for line in order["lines"]]
    assert [c["countsTowardReturnRate"] for c in submitted] == [True, False, False]
    assert await _score(api, world, shop) == {"returnRate": 1.0, "countedOrders": 1, "countedClaims": 1,
                                             "deliveredOrders": 1}


async def test_a5_only_the_first_after_sale_decides_and_other_is_no_product_reason(api, world, claims):
    shop = await world.shop(products={"a": ("10.00", True), "b": ("10.00", True)})
    order = await world.order(shop, {"a": "1", "b": "1"}, signed_at=api.now)
    await world.order(shop, {"a": "1"}, signed_at=api.now)
    first = (await claims.submit(order["lines"][0]["id"], reason="OTHER", evidence=[]))["claim"]
    later = (await claims.submit(order["lines"][1]["id"], reason="QUALITY_ISSUE", evidence=[]))["claim"]
    assert (first["countsTowardReturnRate"], later["countsTowardReturnRate"]) == (False, False)
    assert (await _score(api, world, shop))["countedOrders"] == 0


async def test_a5_a_withdrawn_first_after_sale_hands_over_to_the_next(api, world, claims):
    shop = await world.shop(products={"a": ("10.00", True), "b": ("10.00", True)})
    order = await world.order(shop, {"a": "1", "b": "1"}, signed_at=api.now)
    first = (await claims.submit(order["lines"][0]["id"], reason="QUALITY_ISSUE", evidence=[]))["claim"]
    second = (await claims.submit(order["lines"][1]["id"], reason="NOT_AS_DESCRIBED", evidence=[]))["claim"]
    await claims.call("withdrawClaim", world.buyer, claimId=first["id"])
    assert (await claims.read(second["id"]))["countsTowardReturnRate"] is True
    assert (await _score(api, world, shop))["countedOrders"] == 1


async def test_a1_a_return_rate_appeal_is_about_the_first_after_sale(api, world, claims, appeals):
    shop = await world.shop(products={"a": ("10.00", True), "b": ("10.00", True)})
    order = await world.order(shop, {"a": "1", "b": "1"}, signed_at=api.now)
    first = (await claims.submit(order["lines"][0]["id"], reason="QUALITY_ISSUE", evidence=[]))["claim"]
    later = (await claims.submit(order["lines"][1]["id"], reason="QUALITY_ISSUE", evidence=[]))["claim"]
    assert codes(await appeals.file(shop, "RETURN_RATE", later["id"])) == ["APPEAL_NOT_APPLICABLE"]
    appeal = (await appeals.file(shop, "RETURN_RATE", first["id"]))["appeal"]
    await appeals.decide(appeal["id"], True)
    assert (await _score(api, world, shop))["countedOrders"] == 0


# ---------------------------------------------------------------- A1 mid and bad reviews only


async def test_a1_reviews_of_four_or_five_stars_are_not_appealable(api, world, appeals):
    shop = await world.shop()
    for rating in (4, 5):
        review = await appeals.review(shop, rating=rating)
        assert codes(await appeals.file(shop, "REVIEW", review, ground="EXTORTION")) == ["REVIEW_NOT_APPEALABLE"]
    review = await appeals.review(shop, rating=3)
    assert (await appeals.file(shop, "REVIEW", review, ground="EXTORTION"))["userErrors"] == []


async def test_a5_claims_racing_on_one_order_count_it_once(api, world, claims):
    """Four lines of one order claimed at once: one of them is the first after-sale (the order's versioned row)."""
    import asyncio

    shop = await world.shop(products={sku: ("10.00", True) for sku in "abcd"})
    order = await world.order(shop, {sku: "1" for sku in "abcd"}, signed_at=api.now)
    results = await asyncio.gather(*[claims.submit(line["id"], reason="QUALITY_ISSUE", evidence=[])
                                     for line in order["lines"]])
    assert all(r["userErrors"] == [] for r in results)
    assert sorted(r["claim"]["countsTowardReturnRate"] for r in results) == [False, False, False, True]
    assert (await _score(api, world, shop))["countedOrders"] == 1


# ---------------------------------------------------------------- N4 starring makes a contact


async def test_n4_an_unstarred_customer_stays_a_contact(api, world):
    from tests.api.annotations_ops import RECENT, STAR, UNSTAR

    shop = await world.shop()
    assert not (await api.gql(STAR, {"c": "buyer-7"}, token=shop.agent)).errors
    assert not (await api.gql(UNSTAR, {"c": "buyer-7"}, token=shop.agent)).errors
    reply = await api.gql(RECENT, {"first": 10}, token=shop.agent)
    assert not reply.errors, reply.errors
    assert "buyer-7" in str(reply.data["recentContacts"])
