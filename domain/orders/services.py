"""Facts about orders: placed by buyers, paid, delivered, cancelled as other services report them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime

from domain.coupons.model import APPLICATION_ORDER
from domain.coupons.pricing import Ineligibility
from domain.coupons.services import (
    DEFAULT_COUPON_POLICY,
    CouponPolicy,
    Quote,
    QuoteLine,
    build_draft,
    invalidate_new_user_coupons,
    lock_for_order,
    price,
    return_order_coupons,
    settle_order_coupons,
)
from domain.events.facts import money, order_event
from domain.events.model import Event, EventType
from domain.orders.model import Order, OrderLine, OrderStatus, PaymentMethod, can_view_order
from domain.orders.ports import OrderQuery
from domain.shared.actor import Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import DomainError, ErrorCode, Forbidden, InvalidInput, NotFound, stored
from domain.shared.messages import msg
from domain.shared.money import Money
from domain.shared.text import bounded_text
from domain.shared.uow import UnitOfWork, in_transaction
from domain.shared.validation import Validation

MAX_LINES = 50
MAX_SHIPPING = Money(100_000)  # ¥1,000.00


LineRequest = QuoteLine  # a line of an order is a line of its checkout draft


@dataclass(frozen=True)
class OrderRequest:
    shop_id: int | None
    lines: list[LineRequest]
    shipping_fee: Money
    payment_method: PaymentMethod
    live_room_streamer_id: str | None = None
    coupon_ids: list[int | None] | None = None


async def place_order(uow: UnitOfWork, actor: Actor, clock: Clock, request: OrderRequest,
                      policy: CouponPolicy = DEFAULT_COUPON_POLICY) -> Order:
    """BUYER places an order; unit prices come from the catalogue, never from the client. Chosen coupons are
    checked as the checkout quote checks them, priced (W5) and locked (W6); nothing changes on an error."""
    actor.require(Role.BUYER)
    given = Validation()  # H2: the order's fields, then its lines (build_draft), all before refusing
    if not 1 <= len(request.lines) <= MAX_LINES:
        raise given.fail(InvalidInput(msg("an order has 1 to {max} lines", max=MAX_LINES), ("input", "lines")))
    if not 0 <= request.shipping_fee.fen <= MAX_SHIPPING.fen:
        given.add(InvalidInput(msg("shipping is between ¥0.00 and {max}", max=MAX_SHIPPING), ("input", "shippingFee")))
    if request.coupon_ids is not None and len(request.coupon_ids) > len(APPLICATION_ORDER):
        given.add(DomainError("at most one coupon of each issuer kind", ("input", "couponIds"),
                              ErrorCode.COUPON_STACKING_CONFLICT))
    streamer = request.live_room_streamer_id
    if streamer is not None:
        streamer = given(bounded_text, streamer, field=("input", "liveRoomStreamerId"), max_len=64, min_len=1)
    now = clock.now()

    async def work(uow: UnitOfWork) -> Order:
        draft, resolved = await build_draft(
            uow, actor, request.shop_id, request.lines, request.payment_method, streamer, given.branch()
        )
        shop_id = draft.lines[0].shop_id  # build_draft found the shop, and every line is of it
        quote = None
        if request.coupon_ids:
            quote = await price(uow, actor, now, policy, draft, shop_id, request.coupon_ids)
            _refuse_unusable(quote, request.coupon_ids)
        discounts = quote.stack.line_discounts if quote else [0] * len(resolved)
        order = Order(
            buyer_id=actor.user_id, shop_id=shop_id, payment_method=request.payment_method,
            lines=[OrderLine(stored(product.id), quantity, product.price, Money(discount))
                   for (product, quantity), discount in zip(resolved, discounts)],
            shipping_fee=request.shipping_fee, placed_at=now, live_room_streamer_id=streamer,
            coupons=quote.stack.applied if quote else [],
        )
        await uow.orders.add(order)
        await uow.events.record(order_event(EventType.ORDER_PLACED, order, actor, now, payable=money(order.payable),
                                            shippingFee=money(order.shipping_fee)))
        if quote:
            await lock_for_order(uow, quote, order, actor, now)
        if draft.first_order:
            await invalidate_new_user_coupons(
                uow, actor.user_id, {stored(c.coupon.id) for c in quote.chosen} if quote else set(), actor, now
            )
        return order

    return await in_transaction(uow, work)


def _refuse_unusable(quote: Quote, coupon_ids: list[int | None]) -> None:
    """W4/W10 for explicit coupons: the first one that cannot be used is the error."""
    position = {cid: i for i, cid in enumerate(coupon_ids)}
    if quote.unknown:
        raise DomainError("that is not one of your coupons", ("input", "couponIds", quote.unknown[0]),
                          ErrorCode.COUPON_NOT_APPLICABLE)
    for coupon, _template, reasons in sorted(quote.ineligible, key=lambda item: position[item[0].id]):
        field = ("input", "couponIds", position[coupon.id])
        if reasons == [Ineligibility.SAME_KIND_ALREADY_CHOSEN]:
            raise DomainError("at most one coupon of each issuer kind per order (W4)", field,
                              ErrorCode.COUPON_STACKING_CONFLICT)
        raise DomainError(msg("this coupon cannot be used here: {reasons}",
            reasons=", ".join(r.value for r in reasons)), field,
                          ErrorCode.COUPON_NOT_APPLICABLE)
    if len(coupon_ids) != len(set(coupon_ids)):
        raise DomainError("a coupon is used once per order", ("input", "couponIds"), ErrorCode.COUPON_STACKING_CONFLICT)


async def _change(
    uow: UnitOfWork, actor: Actor, order_id: int | None, change: Callable[[UnitOfWork, Order], Awaitable[Event]],
    at: datetime
) -> Order:
    """Load the order the actor may see, apply ``change`` (which says what happened), write it conditionally."""

    async def work(uow: UnitOfWork) -> Order:
        order = await uow.orders.get(order_id, lock=True) if order_id is not None else None
        if order is None or not can_view_order(actor, order):
            raise NotFound("no such order", ("input", "orderId"))
        happened = await change(uow, order)
        await uow.orders.update(order)
        await uow.events.record(happened)
        return order

    return await in_transaction(uow, work)


async def record_payment(
    uow: UnitOfWork, actor: Actor, clock: Clock, order_id: int | None, succeeded: bool, at: datetime | None,
    policy: CouponPolicy = DEFAULT_COUPON_POLICY,
) -> Order:
    """SERVICE: the payment outcome (W6): success uses the order's coupons, failure returns them."""
    actor.require(Role.SERVICE)
    now = clock.now()

    async def change(uow: UnitOfWork, order: Order) -> Event:
        outcome = order.record_payment(succeeded, at or now, now, policy.payment_timeout)
        await settle_order_coupons(uow, order, succeeded, actor, now)
        if succeeded:
            return order_event(EventType.ORDER_PAID, order, actor, now, paidAt=(at or now).isoformat())
        return order_event(EventType.ORDER_CANCELLED, order, actor, now, reason=outcome, refunded=money(order.refunded))

    return await _change(uow, actor, order_id, change, now)


async def record_delivery(
    uow: UnitOfWork, actor: Actor, clock: Clock, order_id: int | None, signed_at: datetime
) -> Order:
    """SERVICE: the logistics sign-off (C2)."""
    actor.require(Role.SERVICE)
    now = clock.now()
    async def change(uow: UnitOfWork, order: Order) -> Event:
        order.record_delivery(signed_at, now)
        await uow.scores.add(order.shop_id, delivered_orders=1)
        return order_event(EventType.ORDER_DELIVERED, order, actor, now, signedAt=signed_at.isoformat())

    return await _change(uow, actor, order_id, change, now)


async def cancel_order(uow: UnitOfWork, actor: Actor, clock: Clock, order_id: int | None,
                       after_sale_days: int = 15) -> Order:
    """BUYER (own order, before delivery) or SERVICE: a full cancellation (W7). Cancelling a delivered order is an
    after-sale filed now: its coupons come back only inside the after-sale period (``AFTER_SALE_DAYS``)."""
    actor.require(Role.BUYER, Role.SERVICE)
    now = clock.now()

    async def change(uow: UnitOfWork, order: Order) -> Event:
        if order.cancel(actor, now, after_sale_days):
            await return_order_coupons(uow, order, actor, now)
        return order_event(EventType.ORDER_CANCELLED, order, actor, now, reason="CANCELLED",
                           refunded=money(order.refunded))

    return await _change(uow, actor, order_id, change, now)


def orders_scope(actor: Actor, statuses: list[OrderStatus] | None, shop_id: int | None, shop_given: bool,
                 buyer_id: str | None, placed_from: datetime | None, placed_to: datetime | None) -> OrderQuery:
    """F1 (G6): a buyer lists their own orders, shop staff their shop's, the platform all. A filter narrows: one
    that contradicts the viewer's scope matches nothing."""
    wanted = OrderQuery(frozenset(statuses) if statuses else None, shop_id, buyer_id, placed_from, placed_to,
                        nothing=shop_given and shop_id is None)
    if actor.role is Role.PLATFORM:
        return wanted
    if actor.role is Role.BUYER:
        return replace(wanted, buyer_id=actor.user_id, nothing=wanted.nothing or buyer_id not in (None, actor.user_id))
    if actor.role in (Role.MERCHANT, Role.AGENT):
        return replace(wanted, shop_id=actor.shop, nothing=wanted.nothing or shop_given and shop_id != actor.shop)
    raise Forbidden("orders are listed for buyers, shop staff and the platform")
