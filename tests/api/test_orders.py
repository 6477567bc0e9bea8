"""Orders: catalogue prices, payment, delivery, cancellation, visibility (G2, G6, W7)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.shared.actor import Role
from tests.api.world import CANCEL, PLACE


async def test_prices_come_from_the_catalogue(api, world):
    shop = await world.shop(products={"cherries": ("33.33", True), "bowl": ("20.00", False)})
    data = await world.place(shop, {"cherries": "1.5", "bowl": "2"}, shipping="8.00")
    assert data["userErrors"] == []
    order = data["order"]
    # 33.33 × 1.5 = 49.995 → 50.00 half-up (G1)
    assert [(line["quantity"], line["unitPrice"]["amount"], line["subtotal"]["amount"], line["paidAmount"]["amount"])
            for line in order["lines"]] == [("1.5", "33.33", "50.00", "50.00"), ("2", "20.00", "40.00", "40.00")]
    assert order["goodsTotal"]["amount"] == "90.00"
    assert order["shippingFee"]["amount"] == "8.00" and order["payable"]["amount"] == "98.00"
    assert order["status"] == "AWAITING_PAYMENT" and order["buyerId"] == "buyer-1"


async def test_client_prices_are_not_even_accepted(api, world):
    shop = await world.shop()
    reply = await api.gql(PLACE, {"input": {"shopId": shop.id, "shippingFee": "0", "paymentMethod": "ONLINE",
                                            "lines": [{"productId": shop.products["bowl"]["id"], "quantity": "1",
                                                       "unitPrice": "0.01"}]}}, token=world.buyer)
    assert reply.data is None and reply.codes == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("quantity", ["0", "-1", "1.0005", "100000"])
async def test_bad_quantities(api, world, quantity):
    shop = await world.shop()
    data = await world.place(shop, {"bowl": quantity})
    assert data["order"] is None
    assert data["userErrors"][0]["field"] == ["input", "lines", "0", "quantity"]


async def test_a_quantity_that_is_no_number_is_refused_before_anything_runs(api, world):
    shop = await world.shop()
    for q in ("abc", "NaN", "1e3", "Infinity", "", " 1", "1."):
        reply = await api.gql(PLACE, {"input": {"shopId": shop.id, "shippingFee": "0", "paymentMethod": "ONLINE",
                                                "lines": [{"productId": shop.products["bowl"]["id"], "quantity": q}]}},
                              token=world.buyer)
        assert reply.data is None and reply.codes == ["BAD_USER_INPUT"], q


async def test_unknown_and_foreign_products(api, world):
    shop = await world.shop()
    other = await world.shop("Other")
    shop.products["foreign"] = other.products["bowl"]
    shop.products["ghost"] = {"id": "UHJvZHVjdDo5OTk5OQ"}
    data = await world.place(shop, {"bowl": "1", "ghost": "1"})
    assert data["userErrors"][0]["code"] == "NOT_FOUND" and data["userErrors"][0]["field"] == [
        "input",
        "lines",
        "1",
        "productId",
    ]
    data = await world.place(shop, {"foreign": "1"})
    assert data["userErrors"][0]["code"] == "INVALID_INPUT"


async def test_a_coupon_that_is_not_the_buyers_is_refused(api, world):
    shop = await world.shop()
    data = await world.place(shop, {"bowl": "1"}, couponIds=["Q291cG9uOjE"])
    assert data["userErrors"][0]["code"] == "COUPON_NOT_APPLICABLE" and data["order"] is None


async def test_bad_shipping_and_empty_lines(api, world):
    shop = await world.shop()
    assert (await world.place(shop, {"bowl": "1"}, shipping="-1.00"))["userErrors"][0]["field"] == [
        "input",
        "shippingFee",
    ]
    assert (await world.place(shop, {}))["userErrors"][0]["field"] == ["input", "lines"]


@pytest.mark.parametrize("role", [Role.SERVICE, Role.PLATFORM, Role.STREAMER])
async def test_only_buyers_place_orders(api, world, role):
    shop = await world.shop()
    reply = await api.gql(PLACE, {"input": {"shopId": shop.id, "shippingFee": "0", "paymentMethod": "ONLINE",
                                            "lines": [{"productId": shop.products["bowl"]["id"], "quantity": "1"}]}},
                          token=api.token(role))
    assert reply.codes == ["FORBIDDEN"]


async def test_payment_then_delivery(api, world):
    shop = await world.shop()
    order = (await world.place(shop, {"cherries": "1"}))["order"]
    api.advance(minutes=3)
    paid = await world.pay(order["id"])
    assert paid["order"]["status"] == "PAID" and paid["order"]["paidAt"] == "2026-11-02T02:03:00Z"
    api.advance(days=2)
    signed = api.now - timedelta(hours=1)
    delivered = await world.deliver(order["id"], signed.isoformat())
    assert delivered["order"]["status"] == "DELIVERED" and delivered["order"]["signedAt"] == "2026-11-04T01:03:00Z"


async def test_signed_at_with_an_offset_is_stored_as_the_same_instant(api, world):
    shop = await world.shop()
    order = await world.order(shop)
    api.advance(days=1)
    delivered = await world.deliver(order["id"], "2026-11-02T18:00:00+08:00")
    assert delivered["order"]["signedAt"] == "2026-11-02T10:00:00Z"


async def test_naive_signed_at_is_refused_and_changes_nothing(api, world):
    shop = await world.shop()
    order = await world.order(shop)
    reply = await api.gql("mutation($i: RecordDeliveryInput!) { recordDelivery(input: $i) { order { id } } }",
                          {"i": {"orderId": order["id"], "signedAt": "2026-11-02T10:00:00"}}, token=world.service)
    assert reply.codes == ["BAD_USER_INPUT"] and "offset" in reply.errors[0]["message"]
    assert (await world.read_order(order["id"]))["status"] == "PAID"


async def test_delivery_in_the_future_or_before_payment_is_refused(api, world):
    shop = await world.shop()
    order = await world.order(shop)
    future = await world.deliver(order["id"], api.now + timedelta(minutes=1))
    assert future["userErrors"][0]["code"] == "INVALID_INPUT"
    early = await world.deliver(order["id"], api.now - timedelta(days=1))
    assert early["userErrors"][0]["field"] == ["input", "signedAt"]
    unpaid = (await world.place(shop, {"bowl": "1"}))["order"]
    assert (await world.deliver(unpaid["id"], api.now))["userErrors"][0]["code"] == "INVALID_STATE"


async def test_cash_on_delivery_is_paid_at_signing(api, world):
    shop = await world.shop()
    order = (await world.place(shop, {"bowl": "1"}, method="CASH_ON_DELIVERY"))["order"]
    assert (await world.pay(order["id"]))["userErrors"][0]["code"] == "INVALID_STATE"
    delivered = await world.deliver(order["id"], api.now)
    assert (
        delivered["order"]["status"] == "DELIVERED" and delivered["order"]["paidAt"] == delivered["order"]["signedAt"]
    )


async def test_a_failed_payment_cancels_the_order(api, world):
    shop = await world.shop()
    order = (await world.place(shop, {"bowl": "1"}))["order"]
    failed = await world.pay(order["id"], succeeded=False)
    assert failed["order"]["status"] == "CANCELLED" and failed["order"]["cancelledAt"]
    assert (await world.pay(order["id"]))["userErrors"][0]["code"] == "INVALID_STATE"


async def test_paying_twice_is_an_invalid_state(api, world):
    shop = await world.shop()
    order = await world.order(shop)
    again = await world.pay(order["id"])
    assert again["userErrors"][0]["code"] == "INVALID_STATE" and again["order"] is None


async def test_buyer_cancels_before_delivery_only(api, world):
    shop = await world.shop()
    order = await world.order(shop)
    cancel = (await api.gql(CANCEL, {"input": {"orderId": order["id"]}}, token=world.buyer)).payload("cancelOrder")
    assert cancel["order"]["status"] == "CANCELLED"
    again = (await api.gql(CANCEL, {"input": {"orderId": order["id"]}}, token=world.buyer)).payload("cancelOrder")
    assert again["userErrors"][0]["code"] == "INVALID_STATE"
    delivered = await world.order(shop, signed_at=api.now)
    late = (await api.gql(CANCEL, {"input": {"orderId": delivered["id"]}}, token=world.buyer)).payload("cancelOrder")
    assert late["userErrors"][0]["code"] == "INVALID_STATE"
    by_service = (await api.gql(CANCEL, {"input": {"orderId": delivered["id"]}}, token=world.service)).payload(
        "cancelOrder"
    )
    assert by_service["order"]["status"] == "CANCELLED"


async def test_a_buyer_cannot_cancel_someone_elses_order(api, world):
    shop = await world.shop()
    order = await world.order(shop)
    reply = (await api.gql(CANCEL, {"input": {"orderId": order["id"]}}, token=world.other_buyer)).payload("cancelOrder")
    assert reply["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await world.read_order(order["id"]))["status"] == "PAID"


async def test_merchants_cannot_cancel(api, world):
    shop = await world.shop()
    order = await world.order(shop)
    assert (await api.gql(CANCEL, {"input": {"orderId": order["id"]}}, token=shop.merchant)).codes == ["FORBIDDEN"]


async def test_order_visibility(api, world):
    shop = await world.shop()
    other = await world.shop("Other", merchant="merchant-2")
    order = await world.order(shop)
    for token in (world.buyer, shop.merchant, shop.agent, world.platform, world.service):
        assert (await world.read_order(order["id"], token))["id"] == order["id"]
    for token in (world.other_buyer, other.merchant, other.agent, api.token(Role.STREAMER)):
        assert await world.read_order(order["id"], token) is None


async def test_the_order_remark_is_shop_visible_only(api, world):
    shop = await world.shop()
    order = await world.order(shop)
    assert (await world.read_order(order["id"], shop.agent))["remark"] is None  # none set yet (N2 comes later)
    assert (await world.read_order(order["id"], world.buyer))["remark"] is None
