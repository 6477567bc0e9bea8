"""Coupon steps through the public API."""

from __future__ import annotations

from domain.shared.actor import Role
from tests.api.world import PLACE

TEMPLATE = """mutation($input: CreateCouponTemplateInput!) { createCouponTemplate(input: $input) {
  template { id issuerKind issuerId name faceValue { amount } threshold { amount } validFrom validUntil
    validDaysAfterClaim totalStock claimedCount perUserLimit newUserOnly shopIds productIds platformShare }
  userErrors { code message field } } }"""
CLAIM = """mutation($id: ID!) { claimCoupon(input: {templateId: $id}) {
  coupon { id status ownerId claimedAt validFrom validUntil template { id } } userErrors { code message field } } }"""
WALLET = """query($status: [CouponStatus!], $first: Int, $after: String) { wallet { coupons(status: $status,
  first: $first, after: $after) { totalCount edges { cursor node { id status order { id } } }
  pageInfo { hasNextPage endCursor } } } }"""
QUOTE = """query($input: CheckoutInput!) { checkoutQuote(input: $input) { goodsTotal { amount } shippingFee { amount }
  discountTotal { amount } payable { amount }
  applied { coupon { id } amount { amount } costShares { bearer bearerId amount { amount } } }
  ineligible { coupon { id } reasons } } }"""
ORDER_COUPONS = """query($id: ID!) { order(id: $id) { status discountTotal { amount } payable { amount }
  lines { subtotal { amount } discount { amount } paidAmount { amount } }
  coupons { coupon { id status } amount { amount } costShares { bearer bearerId amount { amount } } } } }"""
INVOICES = """query($shop: ID!, $from: DateTime!, $to: DateTime!) {
  invoiceObligations(shopId: $shop, from: $from, to: $to) {
  counterparty counterpartyId amount { amount } couponCount } }"""


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


class Coupons:
    def __init__(self, api, world):
        self.api, self.world = api, world
        self.streamer = api.token(Role.STREAMER, "star-1")

    async def template(self, token=None, **fields) -> dict:
        payload = {"issuerKind": "PLATFORM", "name": "满100减10", "faceValue": "10.00", "totalStock": 100,
                   "validDaysAfterClaim": 30, **fields}
        reply = await self.api.gql(TEMPLATE, {"input": payload}, token=token or self.world.platform)
        return reply.payload("createCouponTemplate")

    async def created(self, token=None, **fields) -> dict:
        data = await self.template(token, **fields)
        assert data["userErrors"] == [], data
        return data["template"]

    async def claim(self, template_id: str, token=None) -> dict:
        return (await self.api.gql(CLAIM, {"id": template_id}, token=token or self.world.buyer)).payload("claimCoupon")

    async def owned(self, token=None, **fields) -> str:
        template = await self.created(**fields)
        data = await self.claim(template["id"], token)
        assert data["userErrors"] == [], data
        return data["coupon"]["id"]

    async def wallet(self, token=None, **variables) -> dict:
        reply = await self.api.gql(WALLET, variables, token=token or self.world.buyer)
        assert not reply.errors, reply.errors
        return reply.data["wallet"]["coupons"]

    async def quote(self, shop, lines, token=None, **extra) -> dict:
        payload = {
            "shopId": shop.id,
            "shippingFee": extra.pop("shipping", "0.00"),
            "paymentMethod": extra.pop("method", "ONLINE"),
            "lines": [{"productId": shop.products[sku]["id"], "quantity": q} for sku, q in lines.items()],
            **extra,
        }
        reply = await self.api.gql(QUOTE, {"input": payload}, token=token or self.world.buyer)
        assert not reply.errors, reply.errors
        return reply.data["checkoutQuote"]

    async def status(self, coupon_id: str, token=None) -> str:
        reply = await self.api.gql("query($id: ID!) { node(id: $id) { ... on Coupon { status } } }", {"id": coupon_id},
                                   token=token or self.world.buyer)
        return reply.data["node"]["status"]


async def place(api, world, shop, lines, coupon_ids, token=None, **extra):
    payload = {"shopId": shop.id, "shippingFee": extra.pop("shipping", "0.00"), "paymentMethod": "ONLINE",
               "lines": [{"productId": shop.products[sku]["id"], "quantity": q} for sku, q in lines.items()],
               "couponIds": coupon_ids, **extra}
    return (await api.gql(PLACE, {"input": payload}, token=token or world.buyer)).payload("placeOrder")
