"""Migration 0008 on a database filled at 0007: the audit log's rows become events (E1), named as the outbox names
them, with who may see each read from its subject's row."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import text

from persistence.migrate import upgrade
from tests.database import drop_everything, sync_engine

T0 = datetime(2026, 6, 1, 2, tzinfo=UTC)
ROUND_1 = [
    "INSERT INTO shops (id, name, created_at) VALUES (1, 'Fresh Farm', :t)",
    "INSERT INTO products (id, shop_id, sku, name, price_fen, fresh, created_at) VALUES "
    "(1, 1, 'cherries', 'Cherries', 1050, true, :t)",
    "INSERT INTO orders (id, buyer_id, shop_id, status, payment_method, shipping_fee_fen, placed_at, paid_at, "
    "signed_at, version, refunded_fen) VALUES (1, 'buyer-1', 1, 'DELIVERED', 'ONLINE', 0, :t, :t, :t, 2, 0)",
    "INSERT INTO order_lines (id, order_id, product_id, quantity_milli, unit_price_fen, discount_fen) VALUES "
    "(1, 1, 1, 1000, 1050, 0)",
    "INSERT INTO claims (id, order_id, order_line_id, shop_id, buyer_id, reason, covered, status, "
    "damaged_quantity_milli, submitted_at, merchant_response_due_at, standard_refund_fen, standard_penalty_fen, "
    "refunded_fen, counts_toward_return_rate, version) VALUES "
    "(1, 1, 1, 1, 'buyer-1', 'DAMAGED', true, 'REJECTED', 1000, :t, :t, 1050, 0, 0, true, 1)",
    "INSERT INTO coupon_templates (id, issuer_kind, issuer_id, name, face_value_fen, total_stock, claimed_count, "
    "per_user_limit, new_user_only, shop_ids, product_ids, platform_share, created_at, created_by) VALUES "
    "(1, 'STREAMER', 'star-1', 'live', 300, 10, 1, 1, false, '', '', '0', :t, 'star-1')",
    "INSERT INTO coupons (id, template_id, owner_id, seq, claimed_at, valid_from, valid_until, status, version, "
    "new_user_only) VALUES (1, 1, 'buyer-1', 1, :t, :t, :t, 'AVAILABLE', 0, false)",
    "INSERT INTO audit_events (id, subject_type, subject_id, type, at, actor_role, actor_id) VALUES "
    "(1, 'order', 1, 'PLACED', :t, 'BUYER', 'buyer-1'), (2, 'order', 1, 'REMARK_SET', :t, 'AGENT', 'agent-1'), "
    "(3, 'claim', 1, 'SUBMITTED', :t, 'BUYER', 'buyer-1'), (4, 'claim', 1, 'REJECTED', :t, 'MERCHANT', 'm-1'), "
    "(5, 'claim', 1, 'REMARK_ADDED', :t, 'AGENT', 'agent-1'), "
    "(6, 'coupon_template', 1, 'CREATED', :t, 'STREAMER', 'star-1'), "
    "(7, 'coupon', 1, 'CLAIMED', :t, 'BUYER', 'buyer-1'), (8, 'shop', 1, 'APPEALS_CLOSED', :t, 'PLATFORM', 'ops'), "
    "(9, 'agent_star', 4, 'STARRED', :t, 'AGENT', 'agent-1')",
]


def test_0008_turns_the_audit_log_into_events(scratch_url):
    drop_everything(scratch_url)
    upgrade(scratch_url, "0007")
    engine = sync_engine(scratch_url)
    with engine.begin() as conn:
        for statement in ROUND_1:
            conn.execute(text(statement), {"t": T0} if ":t" in statement else {})
    upgrade(scratch_url, "head")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT type, subject_type, subject_key, shop_id, buyer_id, streamer_id, actor_id, "
                                 "data FROM events ORDER BY id")).all()
        tables = {name for (name,) in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table'" if engine.dialect.name == "sqlite" else
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))}
    engine.dispose()
    assert "audit_events" not in tables
    assert [tuple(r[:7]) for r in rows] == [
        ("ORDER_PLACED", "Order", "1", 1, "buyer-1", None, "buyer-1"),
        ("ORDER_REMARK_CHANGED", "Order", "1", 1, None, None, "agent-1"),  # the shop's remark: not the buyer's
        ("CLAIM_SUBMITTED", "Claim", "1", 1, "buyer-1", None, "buyer-1"),
        ("CLAIM_REJECTED", "Claim", "1", 1, "buyer-1", None, "m-1"),
        ("CLAIM_REMARK_ADDED", "Claim", "1", 1, None, None, "agent-1"),
        ("COUPON_TEMPLATE_CREATED", "CouponTemplate", "1", None, None, "star-1", "star-1"),
        ("COUPON_CLAIMED", "Coupon", "1", None, "buyer-1", "star-1", "buyer-1"),
        ("APPEAL_RESTRICTION_CHANGED", "Shop", "1", 1, None, None, "ops"),
        ("STAR_CHANGED", "Agent", "agent-1", None, None, None, "agent-1"),
    ]
    assert json.loads(rows[1].data) == {"recordedAs": "REMARK_SET"}
