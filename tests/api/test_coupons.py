"""Coupon wallets through the public API (SPEC W1–W10)."""

from __future__ import annotations

import asyncio

import pytest

from domain.shared.actor import Role
from tests.api.coupons_world import INVOICES, ORDER_COUPONS, TEMPLATE, WALLET, codes, place

# ---------------------------------------------------------------- W1–W3 templates


async def test_w1_issuers_and_their_permissions(api, world, coupons):
    shop = await world.shop()
    other = await world.shop("Other", merchant="merchant-2")
    platform = await coupons.created(platformShare="0.6", shopIds=[shop.id])
    assert (platform["issuerId"], platform["platformShare"], platform["shopIds"]) == (None, "0.6", [shop.id])
    merchant = await coupons.created(shop.merchant, issuerKind="MERCHANT", productIds=[shop.products["cherries"]["id"]])
    assert merchant["issuerId"] == shop.id and merchant["platformShare"] == "0"
    streamer = await coupons.created(coupons.streamer, issuerKind="STREAMER")
    assert streamer["issuerId"] == "star-1"
    foreign = await coupons.template(shop.merchant, issuerKind="MERCHANT", productIds=[other.products["bowl"]["id"]])
    assert codes(foreign) == ["INVALID_INPUT"] and foreign["userErrors"][0]["field"] == ["input", "productIds", "0"]
    for token, kind in ((shop.merchant, "PLATFORM"), (world.platform, "MERCHANT"), (coupons.streamer, "MERCHANT"),
                        (world.buyer, "PLATFORM")):
        reply = await api.gql(TEMPLATE, {"input": {"issuerKind": kind, "name": "x", "faceValue": "1.00",
                                                   "totalStock": 1, "validDaysAfterClaim": 1}}, token=token)
        assert reply.codes == ["FORBIDDEN"], (token, kind)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"faceValue": "0"}, "faceValue"),
        ({"faceValue": "1.005"}, "faceValue"),
        ({"threshold": "0"}, "threshold"),
        ({"totalStock": 0}, "totalStock"),
        ({"perUserLimit": 0}, "perUserLimit"),
        ({"perUserLimit": 101}, "perUserLimit"),
        ({"validFrom": "2026-11-01T00:00:00Z", "validUntil": "2026-12-01T00:00:00Z"}, "validDaysAfterClaim"),
        ({"validDaysAfterClaim": None}, "validDaysAfterClaim"),
        ({"validDaysAfterClaim": 0}, "validDaysAfterClaim"),
        (
            {"validDaysAfterClaim": None, "validFrom": "2026-12-01T00:00:00Z", "validUntil": "2026-11-30T00:00:00Z"},
            "validUntil",
        ),
        (
            {"validDaysAfterClaim": None, "validFrom": "2026-10-01T00:00:00Z", "validUntil": "2026-10-30T00:00:00Z"},
            "validUntil",
        ),
        ({"platformShare": "1.5"}, "platformShare"),
        ({"shopIds": ["U2hvcDo5OTk5"]}, "shopIds"),
    ],
)
async def test_w3_invalid_templates_are_refused(api, world, coupons, fields, field):
    data = await coupons.template(**fields)
    assert data["template"] is None and data["userErrors"][0]["field"][:2] == ["input", field], data


async def test_w3_new_user_only_and_cost_shares_are_platform_only(api, world, coupons):
    shop = await world.shop()
    assert codes(await coupons.template(shop.merchant, issuerKind="MERCHANT", newUserOnly=True)) == ["INVALID_INPUT"]
    assert codes(await coupons.template(coupons.streamer, issuerKind="STREAMER", platformShare="0.5")) == [
        "INVALID_INPUT"
    ]
    assert codes(await coupons.template(coupons.streamer, issuerKind="STREAMER", shopIds=[shop.id])) == [
        "INVALID_INPUT"
    ]


async def test_w3_claiming_copies_the_validity(api, world, coupons):
    relative = await coupons.created(validDaysAfterClaim=3)
    data = (await coupons.claim(relative["id"]))["coupon"]
    assert (data["validFrom"], data["validUntil"]) == ("2026-11-02T02:00:00Z", "2026-11-05T02:00:00Z")
    fixed = await coupons.created(validDaysAfterClaim=None, validFrom="2026-11-10T00:00:00+08:00",
                                  validUntil="2026-11-20T00:00:00+08:00")
    data = (await coupons.claim(fixed["id"]))["coupon"]
    assert (data["validFrom"], data["validUntil"], data["status"]) == ("2026-11-09T16:00:00Z", "2026-11-19T16:00:00Z",
                                                                       "AVAILABLE")


async def test_w3_stock_and_per_user_limit(api, world, coupons):
    template = await coupons.created(totalStock=2, perUserLimit=1)
    assert (await coupons.claim(template["id"]))["userErrors"] == []
    assert codes(await coupons.claim(template["id"])) == ["COUPON_CLAIM_LIMIT_REACHED"]
    assert (await coupons.claim(template["id"], world.other_buyer))["userErrors"] == []
    assert codes(await coupons.claim(template["id"], api.token(Role.BUYER, "buyer-3"))) == ["COUPON_OUT_OF_STOCK"]
    read = await api.gql("query($id: ID!) { node(id: $id) { ... on CouponTemplate { claimedCount } } }",
                         {"id": template["id"]}, token=world.buyer)
    assert read.data["node"]["claimedCount"] == 2


async def test_w3_a_window_that_ended_cannot_be_claimed(api, world, coupons):
    template = await coupons.created(validDaysAfterClaim=None, validFrom="2026-11-01T00:00:00Z",
                                     validUntil="2026-11-03T00:00:00Z")
    api.advance(days=2)
    assert codes(await coupons.claim(template["id"])) == ["COUPON_NOT_APPLICABLE"]
    assert codes(await coupons.claim("Q291cG9uVGVtcGxhdGU6OTk5OQ")) == ["NOT_FOUND"]


async def test_w3_many_buyers_never_oversell(api, world, coupons):
    template = await coupons.created(totalStock=5)
    for _ in range(2):
        tokens = [api.token(Role.BUYER, f"crowd-{_}-{i}") for i in range(20)]
        results = await asyncio.gather(*[coupons.claim(template["id"], t) for t in tokens])
        won = [r for r in results if r["coupon"]]
        assert len(won) == (5 if _ == 0 else 0)
        assert all(codes(r) == ["COUPON_OUT_OF_STOCK"] for r in results if not r["coupon"])


async def test_w3_one_buyer_racing_never_passes_the_limit(api, world, coupons):
    template = await coupons.created(totalStock=50, perUserLimit=2)
    results = await asyncio.gather(*[coupons.claim(template["id"]) for _ in range(10)])
    assert sum(1 for r in results if r["coupon"]) == 2
    assert all(codes(r) == ["COUPON_CLAIM_LIMIT_REACHED"] for r in results if not r["coupon"])
    assert (await coupons.wallet())["totalCount"] == 2


# ---------------------------------------------------------------- W10 quote


async def test_w10_the_quote_lists_reasons_and_the_best_stack(api, world, coupons):
    shop = await world.shop()  # cherries ¥88.00 (fresh), bowl ¥20.00
    m15 = await coupons.created(shop.merchant, issuerKind="MERCHANT", faceValue="15.00", threshold="100.00")
    m5 = await coupons.created(shop.merchant, issuerKind="MERCHANT", faceValue="5.00")
    s8 = await coupons.created(coupons.streamer, issuerKind="STREAMER", faceValue="8.00")
    p10 = await coupons.created(faceValue="10.00", platformShare="0.5")
    big = await coupons.created(faceValue="50.00", threshold="500.00")
    ids = {}
    for name, template in (("m15", m15), ("m5", m5), ("s8", s8), ("p10", p10), ("big", big)):
        ids[name] = (await coupons.claim(template["id"]))["coupon"]["id"]
    quote = await coupons.quote(shop, {"cherries": "1", "bowl": "1"}, shipping="6.00", liveRoomStreamerId="star-1")
    assert quote["goodsTotal"]["amount"] == "108.00" and quote["shippingFee"]["amount"] == "6.00"
    assert [a["coupon"]["id"] for a in quote["applied"]] == [ids["m15"], ids["s8"], ids["p10"]]
    assert quote["discountTotal"]["amount"] == "33.00" and quote["payable"]["amount"] == "81.00"
    shares = {a["coupon"]["id"]: [(s["bearer"], s["bearerId"], s["amount"]["amount"]) for s in a["costShares"]]
              for a in quote["applied"]}
    assert shares[ids["p10"]] == [("PLATFORM", None, "5.00"), ("MERCHANT", shop.id, "5.00")]
    assert shares[ids["s8"]] == [("STREAMER", "star-1", "8.00")]
    reasons = {i["coupon"]["id"]: i["reasons"] for i in quote["ineligible"]}
    assert reasons == {ids["m5"]: ["SAME_KIND_ALREADY_CHOSEN"], ids["big"]: ["THRESHOLD_NOT_MET"]}
    # outside the live room, cash on delivery:
    quote = await coupons.quote(shop, {"bowl": "1"}, method="CASH_ON_DELIVERY")
    reasons = {i["coupon"]["id"]: i["reasons"] for i in quote["ineligible"]}
    assert reasons[ids["s8"]] == ["CASH_ON_DELIVERY", "WRONG_LIVE_ROOM"]
    assert reasons[ids["m15"]] == ["CASH_ON_DELIVERY", "THRESHOLD_NOT_MET"]
    assert quote["applied"] == [] and quote["payable"]["amount"] == "20.00"


async def test_w2_scope_and_time_reasons(api, world, coupons):
    shop = await world.shop()
    other = await world.shop("Other", merchant="merchant-2")
    elsewhere = await coupons.owned(shopIds=[other.id])
    later = await coupons.owned(
        validDaysAfterClaim=None, validFrom="2026-11-10T00:00:00Z", validUntil="2026-11-20T00:00:00Z"
    )
    soon = await coupons.owned(validDaysAfterClaim=1)
    api.advance(days=1, seconds=1)
    quote = await coupons.quote(shop, {"bowl": "1"})
    reasons = {i["coupon"]["id"]: i["reasons"] for i in quote["ineligible"]}
    assert reasons[elsewhere] == ["OUT_OF_SCOPE"] and reasons[later] == ["NOT_YET_VALID"]
    assert soon not in reasons  # expired coupons are not offered at checkout…
    quote = await coupons.quote(shop, {"bowl": "1"}, couponIds=[soon])
    assert quote["ineligible"] == [{"coupon": {"id": soon}, "reasons": ["EXPIRED"]}]  # …but say why when asked


# ---------------------------------------------------------------- W4–W7 the payment lifecycle


async def test_w5_placing_an_order_prices_locks_and_shares_the_discount_over_lines(api, world, coupons):
    shop = await world.shop(products={"a": ("10.00", True), "b": ("20.00", True), "c": ("3.33", False)})
    coupon = await coupons.owned(faceValue="10.00")
    order = await place(api, world, shop, {"a": "1", "b": "1", "c": "1"}, [coupon], shipping="5.00")
    assert order["userErrors"] == []
    read = (await api.gql(ORDER_COUPONS, {"id": order["order"]["id"]}, token=world.buyer)).data["order"]
    discounts = [line["discount"]["amount"] for line in read["lines"]]
    assert discounts == ["3.00", "6.00", "1.00"]  # proportional, the remainder on the last line
    assert read["discountTotal"]["amount"] == "10.00" and read["payable"]["amount"] == "28.33"
    assert [line["paidAmount"]["amount"] for line in read["lines"]] == ["7.00", "14.00", "2.33"]
    assert read["coupons"][0]["coupon"] == {"id": coupon, "status": "LOCKED"}
    assert await coupons.status(coupon) == "LOCKED"


async def test_w5_the_goods_never_cost_less_than_one_fen(api, world, coupons):
    shop = await world.shop(products={"a": ("5.00", True)})
    coupon = await coupons.owned(faceValue="50.00")
    order = (await place(api, world, shop, {"a": "1"}, [coupon], shipping="6.00"))["order"]
    assert (order["discountTotal"]["amount"], order["payable"]["amount"]) == ("4.99", "6.01")


async def test_w6_payment_uses_failure_returns(api, world, coupons):
    shop = await world.shop()
    used, returned = await coupons.owned(), await coupons.owned()
    order = (await place(api, world, shop, {"bowl": "1"}, [used]))["order"]
    await world.pay(order["id"])
    assert await coupons.status(used) == "USED"
    failing = (await place(api, world, shop, {"bowl": "1"}, [returned]))["order"]
    await world.pay(failing["id"], succeeded=False)
    assert await coupons.status(returned) == "AVAILABLE"


async def test_w6_a_lapsed_lock_reads_released_and_the_late_payment_is_refused(api, world, coupons):
    shop = await world.shop()
    coupon = await coupons.owned()
    order = (await place(api, world, shop, {"bowl": "1"}, [coupon]))["order"]
    api.advance(minutes=15)
    assert await coupons.status(coupon) == "LOCKED"
    api.advance(seconds=1)
    assert await coupons.status(coupon) == "AVAILABLE"
    assert (await coupons.wallet(status=["AVAILABLE"]))["totalCount"] == 1
    late = await world.pay(order["id"])
    assert codes(late) == ["INVALID_STATE"] and await coupons.status(coupon) == "AVAILABLE"
    second = await place(api, world, shop, {"bowl": "1"}, [coupon])  # it can be used again
    assert second["userErrors"] == []


async def test_w7_full_cancellation_returns_coupons_with_their_original_validity(api, world, coupons):
    shop = await world.shop()
    fresh, short = await coupons.owned(validDaysAfterClaim=30), await coupons.owned(validDaysAfterClaim=1)
    first = (await place(api, world, shop, {"bowl": "1"}, [fresh]))["order"]
    await world.pay(first["id"])
    cancel = "mutation($id: ID!) { cancelOrder(input: {orderId: $id}) { order { status } userErrors { code } } }"
    await api.gql(cancel, {"id": first["id"]}, token=world.buyer)
    assert await coupons.status(fresh) == "AVAILABLE"
    second = (await place(api, world, shop, {"bowl": "1"}, [short]))["order"]
    await world.pay(second["id"])
    api.advance(days=2)
    await api.gql(cancel, {"id": second["id"]}, token=world.service)
    assert await coupons.status(short) == "EXPIRED"


async def test_w4_explicit_coupons_are_checked_and_an_error_changes_nothing(api, world, coupons):
    shop = await world.shop()
    p1, p2 = await coupons.owned(), await coupons.owned()
    threshold = await coupons.owned(threshold="1000.00")
    theirs = await coupons.owned(world.other_buyer)
    conflict = await place(api, world, shop, {"bowl": "1"}, [p1, p2])
    assert codes(conflict) == ["COUPON_STACKING_CONFLICT"] and conflict["userErrors"][0]["field"] == [
        "input",
        "couponIds",
        "1",
    ]
    assert codes(await place(api, world, shop, {"bowl": "1"}, [threshold])) == ["COUPON_NOT_APPLICABLE"]
    assert codes(await place(api, world, shop, {"bowl": "1"}, [theirs])) == ["COUPON_NOT_APPLICABLE"]
    assert codes(await place(api, world, shop, {"bowl": "1"}, [p1], paymentMethod="CASH_ON_DELIVERY")) == [
        "COUPON_NOT_APPLICABLE"]
    assert [await coupons.status(c) for c in (p1, p2, threshold)] == ["AVAILABLE"] * 3
    orders = await api.gql("query($id: ID!) { order(id: $id) { id } }", {"id": "T3JkZXI6MQ"}, token=world.platform)
    assert orders.data["order"] is None  # no order was written


async def test_w6_two_orders_racing_for_one_coupon_lock_it_once(api, world, coupons):
    shop = await world.shop()
    coupon = await coupons.owned()
    results = await asyncio.gather(*[place(api, world, shop, {"bowl": "1"}, [coupon]) for _ in range(6)])
    assert sum(1 for r in results if r["order"]) == 1
    assert all(codes(r) == ["COUPON_NOT_APPLICABLE"] for r in results if not r["order"])


# ---------------------------------------------------------------- W8 new users


async def test_w8_the_first_order_invalidates_every_new_user_coupon(api, world, coupons):
    shop = await world.shop()
    used = await coupons.owned(newUserOnly=True, faceValue="3.00")
    other = await coupons.owned(newUserOnly=True, faceValue="4.00")
    order = await place(api, world, shop, {"bowl": "1"}, [used])
    assert order["userErrors"] == []
    assert (await coupons.status(used), await coupons.status(other)) == ("LOCKED", "INVALIDATED")
    await world.pay(order["order"]["id"], succeeded=False)
    assert await coupons.status(used) == "INVALIDATED"  # returned, but the user is no longer new
    template = await coupons.created(newUserOnly=True)
    assert codes(await coupons.claim(template["id"])) == ["COUPON_NOT_APPLICABLE"]


async def test_w8_new_user_coupons_do_not_apply_after_the_first_order(api, world, coupons):
    shop = await world.shop()
    coupon = await coupons.owned(newUserOnly=True)
    await world.place(shop, {"bowl": "1"})  # any order, without the coupon
    quote = await coupons.quote(shop, {"bowl": "1"}, couponIds=[coupon])
    assert quote["ineligible"][0]["reasons"] == ["NOT_AVAILABLE", "NEW_USER_ONLY"]  # invalidated by the first order


# ---------------------------------------------------------------- wallet, W9 invoices, claims


async def test_wallet_filters_and_pages(api, world, coupons):
    shop = await world.shop()
    ids = [await coupons.owned() for _ in range(3)]
    order = (await place(api, world, shop, {"bowl": "1"}, [ids[0]]))["order"]
    await world.pay(order["id"])
    assert (await coupons.wallet(status=["USED"]))["totalCount"] == 1
    available = await coupons.wallet(status=["AVAILABLE"], first=1)
    assert available["totalCount"] == 2 and available["pageInfo"]["hasNextPage"] is True
    rest = await coupons.wallet(status=["AVAILABLE"], first=1, after=available["pageInfo"]["endCursor"])
    assert [e["node"]["id"] for e in available["edges"] + rest["edges"]] == [ids[2], ids[1]]
    assert (await coupons.wallet(world.other_buyer))["totalCount"] == 0
    assert (await api.gql(WALLET, {}, token=shop.merchant)).codes == ["FORBIDDEN"]


async def test_w9_invoice_obligations_count_used_coupons_only(api, world, coupons):
    shop = await world.shop()
    other = await world.shop("Other", merchant="merchant-2")
    p = await coupons.owned(faceValue="10.00", platformShare="0.3")
    streamer_template = await coupons.created(coupons.streamer, issuerKind="STREAMER", faceValue="4.00")
    s = (await coupons.claim(streamer_template["id"]))["coupon"]["id"]
    returned = await coupons.owned(faceValue="2.00")
    order = (await place(api, world, shop, {"cherries": "1"}, [p, s], liveRoomStreamerId="star-1"))["order"]
    await world.pay(order["id"])
    cancelled = (await place(api, world, shop, {"bowl": "1"}, [returned]))["order"]
    await world.pay(cancelled["id"])
    await api.gql("mutation($id: ID!) { cancelOrder(input: {orderId: $id}) { order { id } } }", {"id": cancelled["id"]},
                  token=world.service)
    period = {"shop": shop.id, "from": "2026-11-01T00:00:00Z", "to": "2026-12-01T00:00:00Z"}
    rows = (await api.gql(INVOICES, period, token=shop.merchant)).data["invoiceObligations"]
    assert rows == [
        {"counterparty": "PLATFORM", "counterpartyId": None, "amount": {"amount": "3.00"}, "couponCount": 1},
        {"counterparty": "STREAMER", "counterpartyId": "star-1", "amount": {"amount": "4.00"}, "couponCount": 1},
    ]
    assert (await api.gql(INVOICES, period, token=world.platform)).data["invoiceObligations"] == rows
    assert (await api.gql(INVOICES, period, token=other.merchant)).data["invoiceObligations"] == []
    assert (await api.gql(INVOICES, {**period, "to": "2026-11-02T00:00:00Z"}, token=world.platform)).data[
        "invoiceObligations"] == []
    assert (await api.gql(INVOICES, period, token=world.buyer)).codes == ["FORBIDDEN"]


async def test_c4_a_claim_refunds_the_line_as_paid_after_coupons(api, world, coupons, claims):
    shop = await world.shop()
    coupon = await coupons.owned(faceValue="8.00")
    order = (await place(api, world, shop, {"cherries": "1"}, [coupon]))["order"]
    await world.pay(order["id"])
    await world.deliver(order["id"], api.now)
    claim = (await claims.submit(order["lines"][0]["id"], quantity="1"))["claim"]
    assert claim["orderLine"]["paidAmount"]["amount"] == "80.00" and claim["standardRefund"]["amount"] == "80.00"
