from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from domain.orders import services
from domain.shared.money import Money as DomainMoney
from schema.common.errors import UserError
from schema.common.ids import decode_id
from schema.common.mutations import attempt
from schema.context import Info
from schema.orders.types import Order, PaymentMethod, load_order


@strawberry.input
class CheckoutLineInput:
    product_id: strawberry.ID
    quantity: Decimal


def decode_lines(lines: list[CheckoutLineInput]) -> list[services.LineRequest]:
    return [services.LineRequest(decode_id(line.product_id, "Product"), line.quantity) for line in lines]


def decode_coupons(ids: list[strawberry.ID] | None) -> list[int | None] | None:
    return [decode_id(c, "Coupon") for c in ids] if ids is not None else None


@strawberry.input
class PlaceOrderInput:
    shop_id: strawberry.ID
    lines: list[CheckoutLineInput]
    shipping_fee: Decimal
    payment_method: PaymentMethod
    live_room_streamer_id: str | None = None
    coupon_ids: list[strawberry.ID] | None = None

    def to_request(self) -> services.OrderRequest:
        return services.OrderRequest(
            shop_id=decode_id(self.shop_id, "Shop"),
            lines=decode_lines(self.lines),
            shipping_fee=DomainMoney.of(self.shipping_fee, ("input", "shippingFee")),
            payment_method=self.payment_method,
            live_room_streamer_id=self.live_room_streamer_id,
            coupon_ids=decode_coupons(self.coupon_ids),
        )


@strawberry.type
class PlaceOrderPayload:
    order: Order | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RecordPaymentInput:
    order_id: strawberry.ID
    succeeded: bool
    at: datetime | None = None


@strawberry.type
class RecordPaymentPayload:
    order: Order | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RecordDeliveryInput:
    order_id: strawberry.ID
    signed_at: datetime


@strawberry.type
class RecordDeliveryPayload:
    order: Order | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class CancelOrderInput:
    order_id: strawberry.ID


@strawberry.type
class CancelOrderPayload:
    order: Order | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _order(order) -> dict:
    return {"order": Order.of(order)}


@strawberry.type
class OrderQueries:
    @strawberry.field
    async def order(self, info: Info, id: strawberry.ID) -> Order | None:
        info.context.require_authenticated()
        pk = decode_id(id, "Order")
        return await load_order(info, pk) if pk else None


@strawberry.type
class OrderMutations:
    @strawberry.mutation(
        description="BUYER: prices come from the catalogue, never from the client; locks coupons (W6)."
    )
    async def place_order(self, info: Info, input: PlaceOrderInput) -> PlaceOrderPayload:
        ctx = info.context
        return await attempt(
            PlaceOrderPayload,
            lambda: services.place_order(ctx.uow(), ctx.actor, ctx.clock, input.to_request(), ctx.policies.coupon),
            _order
        )

    @strawberry.mutation(description="SERVICE: payment outcome (W6). A failed payment cancels the order.")
    async def record_payment(self, info: Info, input: RecordPaymentInput) -> RecordPaymentPayload:
        ctx = info.context
        return await attempt(
            RecordPaymentPayload,
            lambda: services.record_payment(ctx.uow(), ctx.actor, ctx.clock, decode_id(input.order_id, "Order"),
                                            input.succeeded, input.at, ctx.policies.coupon),
            _order,
        )

    @strawberry.mutation(description="SERVICE: logistics sign-off (C2).")
    async def record_delivery(self, info: Info, input: RecordDeliveryInput) -> RecordDeliveryPayload:
        ctx = info.context
        return await attempt(
            RecordDeliveryPayload,
            lambda: services.record_delivery(ctx.uow(), ctx.actor, ctx.clock, decode_id(input.order_id, "Order"),
                                             input.signed_at),
            _order,
        )

    @strawberry.mutation(description="BUYER before shipping, or SERVICE: full cancellation (W7).")
    async def cancel_order(self, info: Info, input: CancelOrderInput) -> CancelOrderPayload:
        ctx = info.context
        return await attempt(
            CancelOrderPayload,
            lambda: services.cancel_order(ctx.uow(), ctx.actor, ctx.clock, decode_id(input.order_id, "Order"),
                                          ctx.policies.claim.after_sale_days),
            _order,
        )
