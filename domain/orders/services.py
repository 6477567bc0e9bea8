"""Facts about orders: placed by buyers, paid, delivered, cancelled as other services report them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.orders.model import Order, OrderLine, PaymentMethod, can_view_order, parse_quantity
from domain.shared.actor import Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import DomainError, ErrorCode, InvalidInput, NotFound
from domain.shared.events import AuditEvent
from domain.shared.money import Money
from domain.shared.text import bounded_text
from domain.shared.uow import UnitOfWork, in_transaction

MAX_LINES = 50
MAX_SHIPPING = Money(100_000)  # ¥1,000.00


@dataclass(frozen=True)
class LineRequest:
    product_id: int | None  # None: the id did not decode
    quantity: Decimal | str


@dataclass(frozen=True)
class OrderRequest:
    shop_id: int | None
    lines: list[LineRequest]
    shipping_fee: Money
    payment_method: PaymentMethod
    live_room_streamer_id: str | None = None
    coupon_ids: list[int | None] | None = None


async def place_order(uow: UnitOfWork, actor: Actor, clock: Clock, request: OrderRequest) -> Order:
    """BUYER places an order; unit prices come from the catalogue, never from the client."""
    actor.require(Role.BUYER)
    if request.coupon_ids:
        raise DomainError("coupons cannot be applied to orders yet", ("input", "couponIds"),
                          ErrorCode.COUPON_NOT_APPLICABLE)
    if not 1 <= len(request.lines) <= MAX_LINES:
        raise InvalidInput(f"an order has 1 to {MAX_LINES} lines", ("input", "lines"))
    if not 0 <= request.shipping_fee.fen <= MAX_SHIPPING.fen:
        raise InvalidInput(f"shipping is between ¥0.00 and {MAX_SHIPPING}", ("input", "shippingFee"))
    streamer = request.live_room_streamer_id
    if streamer is not None:
        streamer = bounded_text(streamer, field=("input", "liveRoomStreamerId"), max_len=64, min_len=1)
    quantities = [parse_quantity(line.quantity, ("input", "lines", i, "quantity")) for i, line in enumerate(request.lines)]
    async with uow:
        shops = await uow.shops.get_many([request.shop_id] if request.shop_id is not None else [])
        if request.shop_id not in shops:
            raise NotFound("no such shop", ("input", "shopId"))
        ids = [line.product_id for line in request.lines if line.product_id is not None]
        products = await uow.products.get_many(ids)
        lines, seen = [], set()
        for i, (line, quantity) in enumerate(zip(request.lines, quantities)):
            field = ("input", "lines", i, "productId")
            product = products.get(line.product_id)
            if product is None:
                raise NotFound("no such product", field)
            if product.shop_id != request.shop_id:
                raise InvalidInput("that product is not sold by this shop", field)
            if product.id in seen:
                raise InvalidInput("each product appears on one line only", field)
            seen.add(product.id)
            lines.append(OrderLine(product_id=product.id, quantity=quantity, unit_price=product.price))
        order = Order(
            buyer_id=actor.user_id, shop_id=request.shop_id, payment_method=request.payment_method, lines=lines,
            shipping_fee=request.shipping_fee, placed_at=clock.now(), live_room_streamer_id=streamer,
        )
        await uow.orders.add(order)
        await uow.audit.record(AuditEvent.of("order", order.id, "PLACED", order.placed_at, actor))
        await uow.commit()
    return order


async def _change(uow: UnitOfWork, actor: Actor, order_id: int | None, change, event: str | None, at: datetime) -> Order:

    async def work(uow: UnitOfWork) -> Order:
        order = await uow.orders.get(order_id, lock=True) if order_id is not None else None
        if order is None or not can_view_order(actor, order):
            raise NotFound("no such order", ("input", "orderId"))
        happened = change(order) or event
        await uow.orders.update(order)
        await uow.audit.record(AuditEvent.of("order", order.id, happened, at, actor))
        return order

    return await in_transaction(uow, work)


async def record_payment(
    uow: UnitOfWork, actor: Actor, clock: Clock, order_id: int | None, succeeded: bool, at: datetime | None
) -> Order:
    """SERVICE: the payment outcome (W6)."""
    actor.require(Role.SERVICE)
    now = clock.now()
    return await _change(uow, actor, order_id, lambda o: o.record_payment(succeeded, at or now, now), None, now)


async def record_delivery(uow: UnitOfWork, actor: Actor, clock: Clock, order_id: int | None, signed_at: datetime) -> Order:
    """SERVICE: the logistics sign-off (C2)."""
    actor.require(Role.SERVICE)
    now = clock.now()
    return await _change(uow, actor, order_id, lambda o: o.record_delivery(signed_at, now), "DELIVERED", now)


async def cancel_order(uow: UnitOfWork, actor: Actor, clock: Clock, order_id: int | None) -> Order:
    """BUYER (own order, before delivery) or SERVICE: a full cancellation (W7)."""
    actor.require(Role.BUYER, Role.SERVICE)
    now = clock.now()
    return await _change(uow, actor, order_id, lambda o: o.cancel(actor, now), "CANCELLED", now)
