"""Migration 0017 on a database filled at 0016: A5's first after-sale per order (the return rate was a claim count,
3.0 for one order with three claims), A2's one 仲裁/賠付 chance (a claim that already had both keeps both)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from persistence.migrate import upgrade
from tests.database import at_revision_with_a_shop

T0 = datetime(2026, 6, 1, 2, tzinfo=UTC)

FILLED_AT_0016 = [
    # orders 1–4 delivered; 5 delivered with no claim
    "INSERT INTO orders (id, buyer_id, shop_id, status, payment_method, shipping_fee_fen, placed_at, paid_at, "
    "signed_at, version) VALUES " + ", ".join(
        f"({n}, 'buyer-1', 1, 'DELIVERED', 'ONLINE', 0, :t, :t, :t, 2)" for n in range(1, 6)),
    "INSERT INTO order_lines (id, order_id, product_id, quantity_milli, unit_price_fen, discount_fen) VALUES "
    "(1, 1, 1, 1000, 100, 0), (2, 1, 1, 1000, 100, 0), (3, 1, 1, 1000, 100, 0), (4, 2, 1, 1000, 100, 0), "
    "(5, 2, 1, 1000, 100, 0), (6, 3, 1, 1000, 100, 0), (7, 4, 1, 1000, 100, 0), (8, 4, 1, 1000, 100, 0), "
    "(9, 5, 1, 1000, 100, 0)",
    # 1: three claims on one order, all counting (3.0 for one order)
    # 2: the first withdrawn, the second counts
    # 3: OTHER, counting under the old reading
    # 4: the first excluded by an approved RETURN_RATE appeal, the second counting
    "INSERT INTO claims (id, order_id, order_line_id, shop_id, buyer_id, reason, covered, status, "
    "damaged_quantity_milli, submitted_at, merchant_response_due_at, standard_refund_fen, standard_penalty_fen, "
    "counts_toward_return_rate, version, refunded_fen) VALUES "
    "(1, 1, 1, 1, 'buyer-1', 'QUALITY_ISSUE', false, 'AWAITING_MERCHANT', 1000, :t, :t, 100, 0, true, 0, 0), "
    "(2, 1, 2, 1, 'buyer-1', 'QUALITY_ISSUE', false, 'AWAITING_MERCHANT', 1000, :t1, :t, 100, 0, true, 0, 0), "
    "(3, 1, 3, 1, 'buyer-1', 'NOT_AS_DESCRIBED', false, 'AWAITING_MERCHANT', 1000, :t2, :t, 100, 0, true, 0, 0), "
    "(4, 2, 4, 1, 'buyer-1', 'QUALITY_ISSUE', false, 'WITHDRAWN', 1000, :t, :t, 100, 0, false, 1, 0), "
    "(5, 2, 5, 1, 'buyer-1', 'QUALITY_ISSUE', false, 'AWAITING_MERCHANT', 1000, :t1, :t, 100, 0, true, 0, 0), "
    "(6, 3, 6, 1, 'buyer-1', 'OTHER', false, 'AWAITING_MERCHANT', 1000, :t, :t, 100, 0, true, 0, 0), "
    "(7, 4, 7, 1, 'buyer-1', 'QUALITY_ISSUE', false, 'AWAITING_MERCHANT', 1000, :t, :t, 100, 0, false, 1, 0), "
    "(8, 4, 8, 1, 'buyer-1', 'QUALITY_ISSUE', false, 'AWAITING_MERCHANT', 1000, :t1, :t, 100, 0, true, 0, 0)",
    "INSERT INTO appeals (id, kind, shop_id, subject_type, subject_id, statement, submitted_at, due_at, "
    "due_estimated, filed_by, status, review_outcomes, evidence_anomaly, version) VALUES "
    "(1, 'RETURN_RATE', 1, 'claim', 7, 's', :t, :t2, false, 'm', 'APPROVED', '', false, 1), "
    "(2, 'ARBITRATION', 1, 'claim', 1, 's', :t, :t2, false, 'm', 'REJECTED', '', false, 1), "
    "(3, 'COMPENSATION', 1, 'claim', 1, 's', :t1, :t2, false, 'm', 'PENDING', '', false, 0)",
    "UPDATE shop_scores SET counted_claims = 6, delivered_orders = 5 WHERE shop_id = 1",
    # evidence and a star refer to rows the migration changes (SQLite cannot recreate a table others refer to)
    "INSERT INTO uploads (id, owner_id, owner_role, sha256, content_type, size, created_at) VALUES "
    "('upl_1', 'merchant-1', 'MERCHANT', :sha, 'image/jpeg', 10, :t)",
    "INSERT INTO appeal_evidence (appeal_id, upload_id, kind, sha256, uploaded_at, added_by) VALUES "
    "(2, 'upl_1', 'OTHER', :sha, :t, 'm')",
    "INSERT INTO claim_evidence (claim_id, upload_id, kind, sha256, uploaded_at, added_by, invalidated) VALUES "
    "(1, 'upl_1', 'OTHER', :sha, :t, 'm', false)",
    "INSERT INTO agent_stars (agent_id, customer_id, color, starred_at) VALUES ('agent-1', 'buyer-1', 'RED', :t)",
]


def test_0017_counts_each_orders_first_after_sale_once(scratch_url):
    engine = at_revision_with_a_shop(scratch_url, "0016", T0)
    times = {"t": T0, "t1": T0 + timedelta(hours=1), "t2": T0 + timedelta(hours=2), "sha": "0" * 64}
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO shop_scores (shop_id, rating_sum, counted_reviews, counted_claims, "
                          "delivered_orders) VALUES (1, 0, 0, 0, 0)"))
        for statement in FILLED_AT_0016:
            conn.execute(text(statement), times)
    upgrade(scratch_url, "head")
    with engine.begin() as conn:
        firsts = dict(conn.execute(text("SELECT id, first_claim_id FROM orders ORDER BY id")).all())
        counting = [r[0] for r in conn.execute(text(
            "SELECT id FROM claims WHERE counts_toward_return_rate ORDER BY id")).all()]
        score = conn.execute(text("SELECT counted_claims, delivered_orders FROM shop_scores")).one()
        scenarios = [tuple(r) for r in conn.execute(text("SELECT id, scenario FROM appeals ORDER BY id")).all()]
        contacts = [tuple(r) for r in conn.execute(text("SELECT agent_id, customer_id FROM agent_contacts")).all()]
        duplicate = None
        try:
            with conn.begin_nested():
                conn.execute(text(
                    "INSERT INTO appeals (kind, scenario, shop_id, subject_type, subject_id, statement, "
                    "submitted_at, due_at, due_estimated, filed_by, status, review_outcomes, evidence_anomaly, "
                    "version) VALUES ('COMPENSATION', 'RULING', 1, 'claim', 1, 's', :t, :t, false, 'm', "
                    "'PENDING', '', false, 0)"), times)
        except Exception as error:  # the unique constraint, as the driver words it
            duplicate = type(error).__name__
    engine.dispose()
    assert firsts == {1: 1, 2: 5, 3: 6, 4: 7, 5: None}
    assert counting == [1, 5]  # order 3's first is OTHER; order 4 stays excluded by its approved appeal
    assert tuple(score) == (2, 5)  # the rate was 6 / 5 = 1.2; it is 2 / 5 now
    assert scenarios == [(1, "RETURN_RATE"), (2, "RULING"), (3, "COMPENSATION")]
    assert duplicate == "IntegrityError"
    assert contacts == [("agent-1", "buyer-1")]  # N4: a starred customer is a contact
