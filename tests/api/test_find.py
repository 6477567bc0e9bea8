"""SPEC F1–F4 through the API: every list with its visibility, filters, sorts and counts; cursors tied to their sort;
the coupon centre; the governance report's figures on a small world whose answers are known."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import START

CLAIMS = """query($f: ClaimFilter, $s: ClaimSort, $first: Int, $after: String) {
  claims(filter: $f, sortBy: $s, first: $first, after: $after) {
  totalCount edges { cursor node { id reason status submittedAt merchantResponseDueAt } }
  pageInfo { hasNextPage endCursor } } }"""
ORDERS = """query($f: OrderFilter, $s: OrderSort, $first: Int, $after: String) {
  orders(filter: $f, sortBy: $s, first: $first, after: $after) {
  totalCount edges { cursor node { id buyerId status payable { amount } } } pageInfo { hasNextPage endCursor } } }"""
REVIEWS = """query($f: ReviewFilter) { reviews(filter: $f, first: 50) { totalCount edges { node { id rating } } } }"""
PRODUCTS = """query($f: ProductFilter) { products(filter: $f, first: 50) { totalCount edges { node { sku name } } } }"""
SHOPS = """query($f: ShopFilter) { shops(filter: $f, first: 50) { totalCount edges { node { id name } } } }"""
TEMPLATES = """query($f: CouponTemplateFilter) { couponTemplates(filter: $f, first: 50) {
  totalCount edges { node { id name issuerKind } } } }"""
REPORT = """query($shop: ID, $from: DateTime!, $to: DateTime!) { governanceReport(shopId: $shop, from: $from, to: $to) {
  from to shop { id } ordersDelivered claimsSubmitted claimsByStatus { status count } claimRate escalationRate
  buyerWinRate medianMerchantResponseHours refundsPaid { amount } penaltiesPaid { amount } appealsFiled
  appealsApproved appealsOverdue couponsUsed couponDiscount { amount }
  perDay { date claimsSubmitted refundsPaid { amount } penaltiesPaid { amount } } } }"""


async def listed(api, query, field, token, **variables):
    reply = await api.gql(query, variables, token=token)
    assert not reply.errors, reply.errors
    return reply.data[field]


def ids(connection) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


async def test_f2_claims_filter_by_reason_dates_order_and_overdue_and_sort_by_either_deadline(api, world, claims):
    shop = await world.shop()
    made = []
    for reason in ("DAMAGED", "ROTTEN_OR_SPOILED", "DAMAGED"):
        order, line = await claims.delivered_line(shop)
        made.append(((await claims.submit(line, reason=reason))["claim"], order))
        api.advance(hours=1)
    (first, first_order), (second, _), (third, _) = made
    await claims.call("acceptClaim", shop.merchant, claimId=second["id"])
    token = shop.merchant
    damaged = await listed(api, CLAIMS, "claims", token, f={"reasons": ["DAMAGED"]})
    assert ids(damaged) == [third["id"], first["id"]] and damaged["totalCount"] == 2
    window = {"submittedFrom": START.isoformat(), "submittedTo": (START + timedelta(minutes=90)).isoformat()}
    assert ids(await listed(api, CLAIMS, "claims", token, f=window)) == [second["id"], first["id"]]
    assert ids(await listed(api, CLAIMS, "claims", token, f={"orderId": first_order["id"]})) == [first["id"]]
    api.now = START + timedelta(hours=48, minutes=30)  # the first claim's 48 hours have passed, not the third's
    overdue = await listed(api, CLAIMS, "claims", token, f={"merchantResponseOverdue": True})
    assert ids(overdue) == [first["id"]]
    ascending = {"field": "MERCHANT_RESPONSE_DUE_AT", "direction": "ASC"}
    page1 = await listed(api, CLAIMS, "claims", token, s=ascending, first=2)
    page2 = await listed(api, CLAIMS, "claims", token, s=ascending, first=2, after=page1["pageInfo"]["endCursor"])
    assert ids(page1) + ids(page2) == [first["id"], second["id"], third["id"]]
    assert page1["pageInfo"]["hasNextPage"] and not page2["pageInfo"]["hasNextPage"]
    newest = await listed(api, CLAIMS, "claims", token, s={"field": "SUBMITTED_AT"}, first=1)
    assert ids(newest) == [third["id"]]
    wrong = await api.gql(CLAIMS, {"s": {"field": "SUBMITTED_AT"}, "after": page1["pageInfo"]["endCursor"]},
                          token=token)
    assert wrong.codes == ["BAD_USER_INPUT"] and "MERCHANT_RESPONSE_DUE_AT:ASC" in wrong.errors[0]["message"]
    unsorted_cursor = (await listed(api, CLAIMS, "claims", token, first=1))["pageInfo"]["endCursor"]
    assert (await api.gql(CLAIMS, {"s": ascending, "after": unsorted_cursor}, token=token)).codes == \
        ["BAD_USER_INPUT"]
    assert (await api.gql(CLAIMS, {"after": page1["pageInfo"]["endCursor"]}, token=token)).codes == \
        ["BAD_USER_INPUT"]


async def test_f1_orders_by_viewer_with_filters_and_payable_sort(api, world):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    cheap = (await world.place(shop, {"bowl": "1"}))["order"]
    dear = (await world.place(shop, {"cherries": "2"}))["order"]
    theirs = (await world.place(other, {"bowl": "3"}, token=world.other_buyer))["order"]
    await world.pay(dear["id"])
    assert ids(await listed(api, ORDERS, "orders", world.buyer)) == [dear["id"], cheap["id"]]
    assert ids(await listed(api, ORDERS, "orders", other.merchant)) == [theirs["id"]]
    everything = await listed(api, ORDERS, "orders", world.platform)
    assert everything["totalCount"] == 3
    paid = await listed(api, ORDERS, "orders", world.platform, f={"status": ["PAID"]})
    assert ids(paid) == [dear["id"]]
    by_payable = await listed(api, ORDERS, "orders", world.platform, s={"field": "PAYABLE", "direction": "ASC"},
                              first=2)
    assert ids(by_payable) == [cheap["id"], theirs["id"]]
    rest = await listed(api, ORDERS, "orders", world.platform, s={"field": "PAYABLE", "direction": "ASC"},
                        after=by_payable["pageInfo"]["endCursor"])
    assert ids(rest) == [dear["id"]]
    assert ids(await listed(api, ORDERS, "orders", shop.merchant, f={"shopId": other.id})) == []
    assert ids(await listed(api, ORDERS, "orders", world.buyer, f={"buyerId": "buyer-2"})) == []
    assert (await api.gql(ORDERS, {}, token=world.service)).codes == ["FORBIDDEN"]


async def test_f1_reviews_products_and_shops(api, world, appeals, coupons):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    fruit = await world.shop("鲜果铺 Fresh", products={"CHERRY-01": ("88.00", True), "bowl-2": ("20.00", False),
                                                     "芒果": ("30.00", True)}, merchant="merchant-3")
    bad = await appeals.review(shop, rating=1)
    mid = await appeals.review(shop, rating=3)
    good = await appeals.review(shop, rating=5)
    assert ids(await listed(api, REVIEWS, "reviews", shop.merchant, f={"ratings": [1, 2, 3]})) == [mid, bad]
    assert (await listed(api, REVIEWS, "reviews", other.merchant))["totalCount"] == 0
    # A1: a 5-star review is never appealable
    assert ids(await listed(api, REVIEWS, "reviews", shop.merchant, f={"appealable": True})) == [mid, bad]
    assert ids(await listed(api, REVIEWS, "reviews", shop.merchant, f={"appealable": False})) == [good]
    await appeals.file(shop, "REVIEW", bad, ground="EXTORTION")
    assert ids(await listed(api, REVIEWS, "reviews", shop.merchant, f={"appealable": True})) == [mid]
    api.advance(days=31)
    assert ids(await listed(api, REVIEWS, "reviews", shop.merchant, f={"appealable": True})) == []
    assert ids(await listed(api, REVIEWS, "reviews", shop.merchant, f={"appealable": False})) == [good, mid, bad]

    def skus(connection):
        return sorted(edge["node"]["sku"] for edge in connection["edges"])

    async def found(**filter):
        return skus(await listed(api, PRODUCTS, "products", world.buyer, f={"shopId": fruit.id, **filter}))

    assert await found(search="cherry") == ["CHERRY-01"]
    assert await found(search="芒") == ["芒果"]
    assert await found(search="BOWL") == ["bowl-2"]
    assert await found(search="%") == []  # taken literally, not as a wildcard
    assert await found(fresh=True) == ["CHERRY-01", "芒果"]
    assert skus(await listed(api, PRODUCTS, "products", world.buyer, f={"search": "cherr"})) == \
        ["CHERRY-01", "cherries", "cherries"]  # every shop's
    assert ids(await listed(api, SHOPS, "shops", world.platform, f={"search": "鲜果"})) == [fruit.id]
    assert (await listed(api, SHOPS, "shops", world.platform))["totalCount"] == 3
    assert (await api.gql(SHOPS, {}, token=shop.merchant)).codes == ["FORBIDDEN"]


async def test_f3_the_coupon_centre_shows_what_this_buyer_may_claim_and_what_applies_to_a_product(api, world,
                                                                                                  coupons):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    everywhere = await coupons.created(name="全场券")
    sold_out = await coupons.created(name="sold out", totalStock=1)
    await coupons.claim(sold_out["id"], token=world.other_buyer)
    once = await coupons.created(name="once", perUserLimit=1)
    await coupons.claim(once["id"])
    newcomers = await coupons.created(name="new users", newUserOnly=True)
    ended = await coupons.created(name="ended", validDaysAfterClaim=None, validFrom=START.isoformat(),
                                  validUntil=(START + timedelta(hours=1)).isoformat())
    theirs = await coupons.created(token=other.merchant, issuerKind="MERCHANT", name="their shop's")
    api.advance(hours=2)

    def names(connection):
        return sorted(edge["node"]["name"] for edge in connection["edges"])

    claimable = await listed(api, TEMPLATES, "couponTemplates", world.buyer, f={"claimable": True})
    assert names(claimable) == sorted([everywhere["name"], newcomers["name"], theirs["name"]])
    assert claimable["totalCount"] == 3
    await world.order(shop)  # an order: no longer a new user
    claimable = await listed(api, TEMPLATES, "couponTemplates", world.buyer, f={"claimable": True})
    assert names(claimable) == sorted([everywhere["name"], theirs["name"]])
    cherries = shop.products["cherries"]["id"]
    for_product = await listed(api, TEMPLATES, "couponTemplates", world.buyer,
                               f={"claimable": True, "productId": cherries})
    assert names(for_product) == [everywhere["name"]]  # the other shop's coupon cannot apply to this product (W2)
    assert names(await listed(api, TEMPLATES, "couponTemplates", other.merchant)) == [theirs["name"]]
    assert (await listed(api, TEMPLATES, "couponTemplates", world.platform))["totalCount"] == 6
    assert names(await listed(api, TEMPLATES, "couponTemplates", world.buyer,
                              f={"issuerKind": ["MERCHANT"], "shopId": shop.id})) == []
    assert (await api.gql(TEMPLATES, {}, token=shop.agent)).codes == ["FORBIDDEN"]
    del ended, once


async def test_f4_the_governance_report_counts_what_happened_in_shanghai_days(api, world, claims, appeals):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    await world.credit(shop, "DEPOSIT", "500.00")
    api.now = START + timedelta(hours=13, minutes=30)  # 23:30 in Shanghai, 2 November
    _, line = await claims.delivered_line(shop)
    accepted = (await claims.submit(line))["claim"]
    api.advance(hours=2)  # 01:30 on 3 November: the answer took 2 hours
    await claims.call("acceptClaim", shop.merchant, claimId=accepted["id"])
    _, line = await claims.delivered_line(shop)
    rejected = (await claims.submit(line))["claim"]
    api.advance(hours=4)
    await claims.call("rejectClaim", shop.merchant, claimId=rejected["id"], reason="no")
    await claims.call("escalateClaim", world.buyer, claimId=rejected["id"])
    await world.order(other, signed_at=api.now, token=world.other_buyer)  # another shop's
    window = {"from": START.isoformat(), "to": (START + timedelta(days=3)).isoformat()}
    report = (await api.gql(REPORT, {"shop": shop.id, **window}, token=shop.merchant)).data["governanceReport"]
    assert report["shop"]["id"] == shop.id
    assert (report["ordersDelivered"], report["claimsSubmitted"]) == (2, 2)
    assert {s["status"]: s["count"] for s in report["claimsByStatus"]} == {"REFUNDED": 1, "ESCALATED": 1}
    assert (report["claimRate"], report["escalationRate"], report["buyerWinRate"]) == (1.0, 0.5, 0.0)
    assert report["medianMerchantResponseHours"] == 3.0  # 2 h and 4 h
    assert report["refundsPaid"]["amount"] == "88.00" and report["penaltiesPaid"]["amount"] == "0.00"
    days = {d["date"]: d for d in report["perDay"]}
    assert list(days) == ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"]
    assert (days["2026-11-02"]["claimsSubmitted"], days["2026-11-03"]["claimsSubmitted"]) == (1, 1)
    assert days["2026-11-03"]["refundsPaid"]["amount"] == "88.00"
    platform = (await api.gql(REPORT, window, token=world.platform)).data["governanceReport"]
    assert platform["shop"] is None and platform["ordersDelivered"] == 3
    foreign = await api.gql(REPORT, {"shop": other.id, **window}, token=shop.merchant)
    assert foreign.codes == ["NOT_FOUND"]
    assert (await api.gql(REPORT, window, token=world.buyer)).codes == ["FORBIDDEN"]
    backwards = await api.gql(REPORT, {"from": window["to"], "to": window["from"]}, token=world.platform)
    assert backwards.codes == ["INVALID_INPUT"]
    del appeals


async def test_f4_a_reversal_counts_against_what_it_reverses_in_the_period_it_happened(api, world, appeals):
    """A5 reverses a withdrawn ruling's refund and penalty: the report's money is net of those reversals, on the day
    each entry was written, while the ruling itself still counts among rulings and buyer wins."""
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "500.00")
    api.now = START + timedelta(hours=2)
    claim = await appeals.ruled_claim(shop)
    ruled_day = (await api.gql(REPORT, {"shop": shop.id, "from": START.isoformat(),
                                        "to": (START + timedelta(days=10)).isoformat()}, token=shop.merchant))
    collected = ruled_day.data["governanceReport"]
    assert (collected["refundsPaid"]["amount"], collected["penaltiesPaid"]["amount"]) == ("88.00", "100.00")
    assert (collected["escalationRate"], collected["buyerWinRate"]) == (1.0, 1.0)
    api.advance(days=1)
    appeal = (await appeals.file(shop, "ARBITRATION", claim["id"]))["appeal"]
    assert (await appeals.decide(appeal["id"], True))["appeal"]["status"] == "APPROVED"
    window = {"shop": shop.id, "from": START.isoformat(), "to": (START + timedelta(days=10)).isoformat()}
    report = (await api.gql(REPORT, window, token=shop.merchant)).data["governanceReport"]
    assert (report["refundsPaid"]["amount"], report["penaltiesPaid"]["amount"]) == ("0.00", "0.00")
    assert (report["appealsFiled"], report["appealsApproved"], report["buyerWinRate"]) == (1, 1, 1.0)
    paid = {d["date"]: (d["refundsPaid"]["amount"], d["penaltiesPaid"]["amount"]) for d in report["perDay"]}
    assert sorted(v for v in paid.values() if v != ("0.00", "0.00")) == [("-88.00", "-100.00"), ("88.00", "100.00")]
