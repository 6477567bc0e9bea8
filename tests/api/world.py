"""Building blocks for API tests: every fact is set up through the public GraphQL API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.shared.actor import Role
from tests.api.client import Api

SHOP = """mutation($name: String!) { registerShop(input: {name: $name}) {
  shop { id name } userErrors { code message field } } }"""
PRODUCT = """mutation($input: RegisterProductInput!) { registerProduct(input: $input) {
  product { id sku name price { amount currency } fresh shop { id } } userErrors { code message field } } }"""
CREDIT = """mutation($input: CreditShopAccountInput!) { creditShopAccount(input: $input) {
  account { deposit { amount } payables { amount } } userErrors { code message field } } }"""
ORDER_FIELDS = """id buyerId status paymentMethod placedAt paidAt signedAt cancelledAt liveRoomStreamerId remark
  goodsTotal { amount } shippingFee { amount } discountTotal { amount } payable { amount }
  shop { id } lines { id quantity unitPrice { amount } subtotal { amount } paidAmount { amount } product { id sku } }"""
PLACE = f"""mutation($input: PlaceOrderInput!) {{ placeOrder(input: $input) {{
  order {{ {ORDER_FIELDS} }} userErrors {{ code message field }} }} }}"""
PAY = """mutation($input: RecordPaymentInput!) { recordPayment(input: $input) {
  order { id status paidAt cancelledAt } userErrors { code message field } } }"""
DELIVER = """mutation($input: RecordDeliveryInput!) { recordDelivery(input: $input) {
  order { id status signedAt paidAt } userErrors { code message field } } }"""
CANCEL = """mutation($input: CancelOrderInput!) { cancelOrder(input: $input) {
  order { id status cancelledAt } userErrors { code message field } } }"""
REVIEW = """mutation($input: RecordReviewInput!) { recordReview(input: $input) {
  review { id rating content createdAt visibility countsTowardScore order { id } }
  userErrors { code message field } } }"""
ORDER = f"""query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"""
ACCOUNT = """query($id: ID!) { shop(id: $id) { id name account { deposit { amount } payables { amount }
  entries(first: 100) { edges { node { id kind bucket amount { amount } actorRole actorId } } } } } }"""


@dataclass
class Shop:
    id: str
    merchant: str
    agent: str
    products: dict[str, dict] = field(default_factory=dict)


class World:
    def __init__(self, api: Api):
        self.api = api
        self.platform = api.token(Role.PLATFORM, "ops-1")
        self.service = api.token(Role.SERVICE, "order-service")
        self.buyer = api.token(Role.BUYER, "buyer-1")
        self.other_buyer = api.token(Role.BUYER, "buyer-2")

    async def shop(self, name: str = "Fresh Farm", products: dict | None = None, merchant: str = "merchant-1") -> Shop:
        data = (await self.api.gql(SHOP, {"name": name}, token=self.platform)).payload("registerShop")
        assert not data["userErrors"], data
        gid = data["shop"]["id"]
        shop = Shop(
            gid, self.api.token(Role.MERCHANT, merchant, shop=gid), self.api.token(Role.AGENT, "agent-1", shop=gid)
        )
        for sku, (price, fresh) in (products or {"cherries": ("88.00", True), "bowl": ("20.00", False)}).items():
            reply = await self.api.gql(
                PRODUCT,
                {"input": {"sku": sku, "name": sku.title(), "price": price, "fresh": fresh}},
                token=shop.merchant,
            )
            created = reply.payload("registerProduct")
            assert not created["userErrors"], created
            shop.products[sku] = created["product"]
        return shop

    async def credit(self, shop: Shop, bucket: str, amount: str) -> dict:
        return (await self.api.gql(CREDIT, {"input": {"shopId": shop.id, "bucket": bucket, "amount": amount}},
                                   token=self.service)).payload("creditShopAccount")

    async def place(self, shop: Shop, lines: dict[str, str], *, token: str | None = None, shipping: str = "0.00",
                    method: str = "ONLINE", **extra) -> dict:
        payload = {
            "shopId": shop.id,
            "shippingFee": shipping,
            "paymentMethod": method,
            "lines": [{"productId": shop.products[sku]["id"], "quantity": q} for sku, q in lines.items()],
            **extra,
        }
        return (await self.api.gql(PLACE, {"input": payload}, token=token or self.buyer)).payload("placeOrder")

    async def order(self, shop: Shop, lines: dict[str, str] | None = None, *, paid: bool = True,
                    signed_at: datetime | None = None, **kw) -> dict:
        placed = await self.place(shop, lines or {"cherries": "1"}, **kw)
        assert not placed["userErrors"], placed
        order = placed["order"]
        if paid:
            paid_reply = await self.pay(order["id"])
            assert not paid_reply["userErrors"], paid_reply
        if signed_at is not None:
            delivered = await self.deliver(order["id"], signed_at)
            assert not delivered["userErrors"], delivered
        return order

    async def pay(self, order_id: str, succeeded: bool = True, **extra) -> dict:
        return (await self.api.gql(PAY, {"input": {"orderId": order_id, "succeeded": succeeded, **extra}},
                                   token=self.service)).payload("recordPayment")

    async def deliver(self, order_id: str, signed_at: datetime | str, token: str | None = None) -> dict:
        at = signed_at if isinstance(signed_at, str) else signed_at.isoformat()
        return (await self.api.gql(DELIVER, {"input": {"orderId": order_id, "signedAt": at}},
                                   token=token or self.service)).payload("recordDelivery")

    async def read_order(self, order_id: str, token: str | None = None) -> dict | None:
        reply = await self.api.gql(ORDER, {"id": order_id}, token=token or self.platform)
        assert not reply.errors, reply.errors
        return reply.data["order"]

    async def account(self, shop: Shop, token: str | None = None) -> dict | None:
        reply = await self.api.gql(ACCOUNT, {"id": shop.id}, token=token or self.platform)
        assert not reply.errors, reply.errors
        return reply.data["shop"]["account"]
