"""Migration 0007 on a database filled by the previous head (0006): the new columns are filled from the rows that
were there (orders' refunds and the penalty that charged each order, new-user coupons, the evidence's author).

It runs on a database of its own, made for the test: a temporary SQLite file, or on PostgreSQL a database created
beside the suite's (the suite's own is at head already)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from persistence.migrate import upgrade
from tests.database import drop_everything, sync_engine

T0 = datetime(2026, 6, 1, 2, tzinfo=UTC)


ROUND_1 = [
    "INSERT INTO shops (id, name, created_at) VALUES (1, 'Fresh Farm', :t)",
    "INSERT INTO products (id, shop_id, sku, name, price_fen, fresh, created_at) VALUES "
    "(1, 1, 'cherries', 'Cherries', 1050, true, :t), (2, 1, 'plums', 'Plums', 333, true, :t)",
    "INSERT INTO uploads (id, owner_id, owner_role, sha256, content_type, size, created_at) VALUES "
    "('upl_1', 'buyer-1', 'BUYER', :sha, 'image/jpeg', 10, :t)",
    # 1: delivered; two lines ruled for the buyer, each charged a penalty under the per-line reading
    # 2: paid, then cancelled; 3: a penalty-bearing ruling withdrawn by an appeal; 4: cash on delivery, cancelled
    "INSERT INTO orders (id, buyer_id, shop_id, status, payment_method, shipping_fee_fen, placed_at, paid_at, "
    "signed_at, cancelled_at, version) VALUES "
    "(1, 'buyer-1', 1, 'DELIVERED', 'ONLINE', 500, :t, :t, :t, NULL, 2), "
    "(2, 'buyer-1', 1, 'CANCELLED', 'ONLINE', 500, :t, :t, NULL, :t, 2), "
    "(3, 'buyer-1', 1, 'DELIVERED', 'ONLINE', 0, :t, :t, :t, NULL, 2), "
    "(4, 'buyer-1', 1, 'CANCELLED', 'CASH_ON_DELIVERY', 0, :t, NULL, NULL, :t, 1)",
    "INSERT INTO order_lines (id, order_id, product_id, quantity_milli, unit_price_fen, discount_fen) VALUES "
    "(1, 1, 1, 2000, 1050, 100), (2, 1, 2, 1000, 333, 0), (3, 2, 2, 3000, 333, 0), (4, 2, 1, 1500, 1050, 200), "
    "(5, 3, 1, 1000, 1050, 0), (6, 3, 2, 1000, 333, 0), (7, 4, 1, 1000, 1050, 0)",
    "INSERT INTO claims (id, order_id, order_line_id, shop_id, buyer_id, reason, covered, status, "
    "damaged_quantity_milli, submitted_at, merchant_response_due_at, standard_refund_fen, standard_penalty_fen, "
    "refunded_fen, ruling_outcome, ruling_refund_fen, ruling_penalty_fen, ruled_at, ruled_by, ruling_withdrawn_at, "
    "counts_toward_return_rate, version) VALUES "
    "(1, 1, 1, 1, 'buyer-1', 'DAMAGED', true, 'RULED', 2000, :t, :t, 2000, 600, 2000, 'BUYER_WINS', 2000, 600, "
    ":t1, 'ops', NULL, true, 3), "
    "(2, 1, 2, 1, 'buyer-1', 'DAMAGED', true, 'RULED', 1000, :t, :t, 333, 500, 333, 'BUYER_WINS', 333, 500, "
    ":t2, 'ops', NULL, true, 3), "
    "(3, 3, 5, 1, 'buyer-1', 'DAMAGED', true, 'RULED', 1000, :t, :t, 1050, 500, 1050, 'BUYER_WINS', 1050, 500, "
    ":t1, 'ops', :t2, true, 4), "
    "(4, 3, 6, 1, 'buyer-1', 'DAMAGED', true, 'RULED', 1000, :t, :t, 333, 500, 0, 'MERCHANT_WINS', 0, 0, "
    ":t2, 'ops', NULL, true, 3)",
    "INSERT INTO claim_evidence (id, claim_id, upload_id, kind, sha256, uploaded_at, added_by, invalidated) VALUES "
    "(1, 1, 'upl_1', 'DAMAGE_DETAIL', :sha, :t, 'buyer-1', false)",
    "INSERT INTO coupon_templates (id, issuer_kind, name, face_value_fen, total_stock, claimed_count, per_user_limit, "
    "new_user_only, shop_ids, product_ids, platform_share, created_at, created_by) VALUES "
    "(1, 'PLATFORM', 'new', 300, 10, 1, 1, true, '', '', '1', :t, 'ops'), "
    "(2, 'PLATFORM', 'any', 300, 10, 1, 1, false, '', '', '1', :t, 'ops')",
    "INSERT INTO coupons (id, template_id, owner_id, seq, claimed_at, valid_from, valid_until, status, version) VALUES "
    "(1, 1, 'buyer-1', 1, :t, :t, :t2, 'AVAILABLE', 0), (2, 2, 'buyer-1', 1, :t, :t, :t2, 'USED', 1)",
]


def test_0007_upgrades_round_1_rows(scratch_url):
    drop_everything(scratch_url)
    upgrade(scratch_url, "0006")
    engine = sync_engine(scratch_url)
    moments = {"t": T0, "t1": T0 + timedelta(hours=1), "t2": T0 + timedelta(hours=2), "sha": "a" * 64}
    with engine.begin() as conn:
        for statement in ROUND_1:
            conn.execute(text(statement), {k: v for k, v in moments.items() if f":{k}" in statement})
    upgrade(scratch_url, "0007")
    with engine.connect() as conn:
        orders = {row.id: (row.refunded_fen, row.penalty_claim_id) for row in conn.execute(
            text("SELECT id, refunded_fen, penalty_claim_id FROM orders ORDER BY id"))}
        coupons = dict(conn.execute(text("SELECT id, new_user_only FROM coupons ORDER BY id")).all())
        evidence = conn.execute(text("SELECT submitted_by FROM claim_evidence")).scalar_one()
        claims = conn.execute(text("SELECT id, merchant_statement, ruling_note, ruling_force_majeure_cause, "
                                   "ruling_penalty_charged_on_claim_id, refunded_fen, version FROM claims ORDER BY id"
                                   )).all()
    engine.dispose()
    # 1: both claims' refunds; the earlier ruling in force charged the order's penalty
    # 2: cancelled after payment: goods after discounts, shipping kept (999 + 1575 − 200)
    # 3: the withdrawn ruling no longer holds the penalty; the buyer kept its refund
    # 4: never paid: nothing refunded
    assert orders == {1: (2333, 1), 2: (2374, None), 3: (1050, None), 4: (0, None)}
    assert {k: bool(v) for k, v in coupons.items()} == {1: True, 2: False}
    assert evidence == "BUYER"
    assert [tuple(row[1:5]) for row in claims] == [(None, None, None, None)] * 4
    assert [(row.refunded_fen, row.version) for row in claims] == [(2000, 3), (333, 3), (1050, 4), (0, 3)]
