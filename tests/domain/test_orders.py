"""Order transitions, checked without storage."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.orders.model import Order, OrderLine, OrderStatus, PaymentMethod, can_view_order, parse_quantity
from domain.shared.actor import Actor, Role
from domain.shared.errors import InvalidInput, InvalidState
from domain.shared.money import Money

T0 = datetime(2026, 11, 2, 2, tzinfo=UTC)
BUYER = Actor("b1", Role.BUYER)
TIMEOUT = timedelta(minutes=15)


def order(method=PaymentMethod.ONLINE) -> Order:
    return Order("b1", 1, method, [OrderLine(1, Decimal("2"), Money(1050))], Money(800), T0, id=1)


def test_totals():
    o = order()
    assert (o.goods_total, o.payable) == (Money(2100), Money(2900))


def test_pay_deliver_and_the_moments_checked():
    o = order()
    with pytest.raises(InvalidInput):
        o.record_payment(True, T0 + timedelta(hours=1), now=T0, timeout=TIMEOUT)  # in the future
    assert o.record_payment(True, T0, now=T0, timeout=TIMEOUT) == "PAID"
    with pytest.raises(InvalidState):
        o.record_payment(True, T0, now=T0, timeout=TIMEOUT)
    with pytest.raises(InvalidInput):
        o.record_delivery(T0 - timedelta(seconds=1), now=T0)
    o.record_delivery(T0, now=T0)
    assert o.status is OrderStatus.DELIVERED


def test_buyer_cannot_cancel_a_delivered_order_but_the_service_can():
    o = order()
    o.record_payment(True, T0, T0, TIMEOUT)
    o.record_delivery(T0, T0)
    with pytest.raises(InvalidState):
        o.cancel(BUYER, T0, 15)
    o.cancel(Actor("svc", Role.SERVICE), T0, 15)
    assert o.status is OrderStatus.CANCELLED


@pytest.mark.parametrize("value", ["0", "-1", "0.0001", "100000"])
def test_quantities(value):
    with pytest.raises(InvalidInput):
        parse_quantity(value, ("q",))


def test_visibility_g6():
    o = order()
    assert can_view_order(BUYER, o) and not can_view_order(Actor("b2", Role.BUYER), o)
    assert can_view_order(Actor("m", Role.MERCHANT, 1), o) and not can_view_order(Actor("m", Role.MERCHANT, 2), o)
    assert not can_view_order(Actor("s", Role.STREAMER), o)


def test_w6_a_success_after_the_payment_timeout_is_refused():
    o = order()
    with pytest.raises(InvalidState):
        o.record_payment(True, T0 + timedelta(minutes=15, seconds=1), now=T0 + timedelta(hours=1), timeout=TIMEOUT)
    assert o.record_payment(True, T0 + timedelta(minutes=15), now=T0 + timedelta(hours=1), timeout=TIMEOUT) == "PAID"


# ---------------------------------------------------------------- Rules II: refunds, the penalty, the after-sale period


def delivered(discount: int = 0) -> Order:
    o = Order("b1", 1, PaymentMethod.ONLINE, [OrderLine(1, Decimal("2"), Money(1050), Money(discount)),
                                              OrderLine(2, Decimal("1"), Money(500))], Money(800), T0, id=1)
    o.record_payment(True, T0, now=T0, timeout=TIMEOUT)
    o.record_delivery(T0, now=T0)  # Monday 2 Nov 10:00 Shanghai
    return o


def test_c6_the_penalty_basis_is_goods_after_discounts_plus_shipping():
    o = delivered(discount=300)
    assert (o.goods_paid, o.penalty_basis) == (Money(2300), Money(3100))


def test_c6_an_order_charges_its_penalty_once_until_released():
    o = delivered()
    assert o.charge_penalty(7) is None and o.penalty_claim_id == 7
    assert o.charge_penalty(7) is None  # the same claim again: still its own
    assert o.charge_penalty(8) == 7 and o.penalty_claim_id == 7
    o.release_penalty(8)  # not the charging claim: nothing changes
    assert o.penalty_claim_id == 7
    o.release_penalty(7)  # A5: the charging ruling was withdrawn
    assert o.charge_penalty(8) is None and o.penalty_claim_id == 8


def test_w7_the_refund_that_completes_the_order_in_time_returns_coupons_once():
    o = delivered()
    end = datetime(2026, 11, 17, 15, 59, 59, 999999, tzinfo=UTC)  # 17 Nov 23:59:59.999999 Shanghai
    assert o.record_after_sale_refund(Money(2100), end, 15) is False  # one line: partial
    assert o.record_after_sale_refund(Money(500), end, 15) is True  # completes it, on the last instant
    assert o.fully_refunded and o.refunded == Money(2600)
    assert o.record_after_sale_refund(Money(0), end, 15) is False  # nothing comes back twice


def test_w7_an_after_sale_filed_after_the_period_returns_nothing():
    """W7 (round 3): the instant that counts is the after-sale's filing, passed as ``filed_at``."""
    o = delivered()
    assert o.record_after_sale_refund(Money(2600), datetime(2026, 11, 17, 16, tzinfo=UTC), 15) is False
    assert o.refunded == Money(2600)


def test_w7_a_cancelled_paid_order_has_its_goods_refunded_but_not_shipping():
    o = order()
    o.record_payment(True, T0, now=T0, timeout=TIMEOUT)
    o.cancel(BUYER, T0, 15)
    assert o.refunded == Money(2100)
    unpaid = order()
    unpaid.cancel(BUYER, T0, 15)
    assert unpaid.refunded == Money(0)


def test_w7_cancelling_a_delivered_order_is_an_after_sale_filed_at_that_moment():
    end = datetime(2026, 11, 17, 15, 59, 59, 999999, tzinfo=UTC)  # the 15th natural day's last instant
    service = Actor("svc", Role.SERVICE)
    assert delivered().cancel(service, end, 15) is True
    assert delivered().cancel(service, end + timedelta(microseconds=1), 15) is False
    assert order().cancel(BUYER, T0, 15) is True  # before delivery: always


def test_w8_a_lapsed_lock_of_a_new_user_coupon_reads_invalidated():
    from domain.coupons.model import Coupon, CouponStatus

    def locked(new_user: bool) -> Coupon:
        return Coupon(1, "b1", 1, T0, T0, T0 + timedelta(days=30), CouponStatus.LOCKED, order_id=1, locked_at=T0,
                      new_user_only=new_user)

    later = T0 + TIMEOUT + timedelta(seconds=1)
    assert locked(True).effective_status(T0 + TIMEOUT, TIMEOUT) is CouponStatus.LOCKED
    assert locked(True).effective_status(later, TIMEOUT) is CouponStatus.INVALIDATED
    assert locked(False).effective_status(later, TIMEOUT) is CouponStatus.AVAILABLE
