"""Migrations 0011 and 0012 on a database filled at 0010: each order's payable (F2's PAYABLE sort) is what the
domain computes from its lines — W5's half-up subtotal per line, less its discount, plus shipping — the list indexes
exist, and each shop's score counters are filled from its rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import inspect, text

from domain.orders.model import Order, OrderLine, PaymentMethod
from domain.shared.money import Money
from persistence.migrate import upgrade
from tests.database import at_revision_with_a_shop

T0 = datetime(2026, 6, 1, 2, tzinfo=UTC)
LINES = {1: [(1500, 1050, 0), (333, 999, 20)], 2: [(1000, 1, 0)], 3: []}  # quantity_milli, unit_price_fen, discount
SHIPPING = {1: 600, 2: 0, 3: 100}


def test_0011_fills_each_orders_payable_as_the_domain_computes_it(scratch_url):
    engine = at_revision_with_a_shop(scratch_url, "0010", T0)
    with engine.begin() as conn:
        for order_id, lines in LINES.items():
            conn.execute(text("INSERT INTO orders (id, buyer_id, shop_id, status, payment_method, shipping_fee_fen, "
                              "placed_at, signed_at, version, refunded_fen) VALUES (:id, 'b', 1, 'PLACED', 'ONLINE', "
                              ":s, :t, :signed, 0, 0)"),
                         {"id": order_id, "s": SHIPPING[order_id], "t": T0, "signed": T0 if order_id == 1 else None})
            for quantity, price, discount in lines:
                conn.execute(text("INSERT INTO order_lines (order_id, product_id, quantity_milli, unit_price_fen, "
                                  "discount_fen) VALUES (:o, 1, :q, :p, :d)"),
                             {"o": order_id, "q": quantity, "p": price, "d": discount})
    upgrade(scratch_url, "head")
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT id, payable_fen FROM orders")).all())
        scores = conn.execute(text("SELECT shop_id, rating_sum, counted_reviews, counted_claims, delivered_orders "
                                   "FROM shop_scores")).all()
    indexes = {i["name"] for i in inspect(engine).get_indexes("orders")}
    engine.dispose()
    for order_id, lines in LINES.items():
        order = Order(buyer_id="b", shop_id=1, payment_method=PaymentMethod.ONLINE, placed_at=T0,
                      shipping_fee=Money(SHIPPING[order_id]),
                      lines=[OrderLine(product_id=1, quantity=Decimal(q) / 1000, unit_price=Money(p),
                                       discount=Money(d)) for q, p, d in lines])
        assert stored[order_id] == order.payable.fen, order_id
    assert {"ix_orders_shop_payable", "ix_orders_placed"} <= indexes
    assert [tuple(row) for row in scores] == [(1, 0, 0, 0, 1)]  # 0012: the counters, filled from the rows
