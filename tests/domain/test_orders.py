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
        o.cancel(BUYER, T0)
    o.cancel(Actor("svc", Role.SERVICE), T0)
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
