"""Orders and coupons through their services (SPEC W4–W8) on the in-memory unit of work. The API tests
(tests/api/test_coupons.py, test_orders.py) prove the wiring; the races run there, on both databases."""

from __future__ import annotations

import pytest

from domain.coupons.model import CouponStatus, IssuerKind
from domain.coupons.services import CouponPolicy, TemplateRequest, claim_coupon, create_template
from domain.orders.model import OrderStatus, PaymentMethod
from domain.orders.services import LineRequest, OrderRequest, cancel_order, place_order, record_payment
from domain.shared.errors import DomainError, ErrorCode, InvalidState
from domain.shared.money import Money
from tests.domain.service_world import BUYER, PLATFORM, SERVICE

TIMEOUT = CouponPolicy().payment_timeout


async def _coupon(world, face: str = "10.00", **extra) -> int:
    template = await create_template(world.uow, PLATFORM, world.clock, TemplateRequest(
        IssuerKind.PLATFORM, "off", Money.of(face), 10, valid_days_after_claim=30, **extra))
    return (await claim_coupon(world.uow, BUYER, world.clock, template.id)).id or 0


async def _place(world, coupon_ids, sku: str = "cherries"):
    return await place_order(world.uow, BUYER, world.clock, OrderRequest(
        world.shop_id, [LineRequest(world.products[sku], "1")], Money(0), PaymentMethod.ONLINE, coupon_ids=coupon_ids))


async def _status(world, coupon_id: int) -> CouponStatus:
    coupon = (await world.uow.coupons.get_many([coupon_id]))[coupon_id]
    return coupon.effective_status(world.clock.now(), TIMEOUT)


async def test_w6_placing_locks_paying_uses_failing_returns(world):
    used, returned = await _coupon(world), await _coupon(world, "5.00")
    order = await _place(world, [used])
    assert await _status(world, used) is CouponStatus.LOCKED
    await record_payment(world.uow, SERVICE, world.clock, order.id, True, None)
    assert await _status(world, used) is CouponStatus.USED
    failing = await _place(world, [returned])
    await record_payment(world.uow, SERVICE, world.clock, failing.id, False, None)
    assert await _status(world, returned) is CouponStatus.AVAILABLE


async def test_w8_every_path_leaves_a_first_orders_new_user_coupon_invalidated(world):
    """W8: timed out, failed or cancelled, the first order counts as placed: its new-user coupon never reads
    AVAILABLE again."""
    coupon = await _coupon(world, "3.00", new_user_only=True)
    order = await _place(world, [coupon])
    world.clock.advance(minutes=15, seconds=1)
    assert await _status(world, coupon) is CouponStatus.INVALIDATED  # the lapsed lock
    with pytest.raises(InvalidState):
        await record_payment(world.uow, SERVICE, world.clock, order.id, True, None)  # too late
    await cancel_order(world.uow, BUYER, world.clock, order.id)
    assert await _status(world, coupon) is CouponStatus.INVALIDATED


async def test_w7_a_cancelled_paid_order_refunds_its_goods_and_returns_its_coupons(world):
    coupon = await _coupon(world)
    order = await _place(world, [coupon])
    await record_payment(world.uow, SERVICE, world.clock, order.id, True, None)
    cancelled = await cancel_order(world.uow, SERVICE, world.clock, order.id)
    assert (cancelled.status, cancelled.refunded) == (OrderStatus.CANCELLED, Money.of("78.00"))
    assert await _status(world, coupon) is CouponStatus.AVAILABLE


async def test_w4_a_refused_coupon_changes_nothing(world):
    first, second = await _coupon(world), await _coupon(world, "5.00")
    with pytest.raises(DomainError) as refused:
        await _place(world, [first, second])  # two platform coupons on one order
    assert refused.value.code is ErrorCode.COUPON_STACKING_CONFLICT
    assert [await _status(world, c) for c in (first, second)] == [CouponStatus.AVAILABLE] * 2
    assert not await world.uow.orders.has_orders(BUYER.user_id)


async def test_w3_claiming_stops_at_the_per_user_limit(world):
    template = await create_template(world.uow, PLATFORM, world.clock, TemplateRequest(
        IssuerKind.PLATFORM, "off", Money.of("1.00"), 10, per_user_limit=2, valid_days_after_claim=30))
    await claim_coupon(world.uow, BUYER, world.clock, template.id)
    await claim_coupon(world.uow, BUYER, world.clock, template.id)
    with pytest.raises(DomainError) as refused:
        await claim_coupon(world.uow, BUYER, world.clock, template.id)
    assert refused.value.code is ErrorCode.COUPON_CLAIM_LIMIT_REACHED
    assert (await world.uow.coupons.templates([template.id]))[template.id].claimed_count == 2

