"""Migration 0013 on a database filled at 0012: a claim's first answer and its escalation are read from its events
(F4's median and escalation rate now read the claim row), and a claim without those events keeps NULL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from persistence.migrate import upgrade
from tests.database import at_revision_with_a_shop

T0 = datetime(2026, 6, 1, 2, tzinfo=UTC)
EVENTS = [  # claim, type, hours after T0
    (1, "CLAIM_SUBMITTED", 0), (1, "CLAIM_REJECTED", 3), (1, "CLAIM_ACCEPTED", 5), (1, "CLAIM_ESCALATED", 4),
    (2, "CLAIM_SUBMITTED", 0), (2, "CLAIM_ACCEPTED", 7),
    (3, "CLAIM_SUBMITTED", 0),
]


def test_0013_fills_each_claims_first_answer_and_escalation_from_its_events(scratch_url):
    engine = at_revision_with_a_shop(scratch_url, "0012", T0)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO orders (id, buyer_id, shop_id, status, payment_method, shipping_fee_fen, "
                          "placed_at, version, refunded_fen, payable_fen) VALUES "
                          "(1, 'b', 1, 'DELIVERED', 'ONLINE', 0, :t, 0, 0, 300)"), {"t": T0})
        for claim in (1, 2, 3):
            conn.execute(text("INSERT INTO order_lines (id, order_id, product_id, quantity_milli, unit_price_fen, "
                              "discount_fen) VALUES (:id, 1, 1, 1000, 100, 0)"), {"id": claim})
            conn.execute(text(
                "INSERT INTO claims (id, order_id, order_line_id, shop_id, buyer_id, reason, covered, status, "
                "damaged_quantity_milli, submitted_at, merchant_response_due_at, standard_refund_fen, "
                "standard_penalty_fen, refunded_fen, counts_toward_return_rate, version) VALUES "
                "(:id, 1, :id, 1, 'b', 'DAMAGED', true, 'AWAITING_MERCHANT', 1000, :t, :t, 100, 0, 0, true, 0)"),
                {"id": claim, "t": T0})
        for claim, kind, hours in EVENTS:
            conn.execute(text(
                "INSERT INTO events (type, occurred_at, actor_role, actor_id, subject_type, subject_key, shop_id, "
                "data) VALUES (:type, :at, 'BUYER', 'b', 'Claim', :key, 1, '{}')"),
                {"type": kind, "at": T0 + timedelta(hours=hours), "key": str(claim)})
    upgrade(scratch_url, "head")
    with engine.connect() as conn:
        rows = {row[0]: row[1:] for row in conn.execute(
            text("SELECT id, answered_at, escalated_at FROM claims ORDER BY id")).all()}
    engine.dispose()

    def at(value) -> datetime | None:
        if value is None:
            return None
        value = datetime.fromisoformat(value) if isinstance(value, str) else value
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    got = {claim: (at(answered), at(escalated)) for claim, (answered, escalated) in rows.items()}
    assert got == {1: (T0 + timedelta(hours=3), T0 + timedelta(hours=4)),
                   2: (T0 + timedelta(hours=7), None), 3: (None, None)}
