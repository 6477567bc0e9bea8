"""Migration 0022 on a database filled at 0021 (W11–W13): templates keep their own ratio and belong to no campaign,
coupons already held read as CLAIMED, and the new tables start empty."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from persistence.coupons.repository import _coupon, _template
from persistence.migrate import upgrade
from tests.database import at_revision_with_a_shop, sync_engine

T0 = datetime(2026, 6, 1, 2, tzinfo=UTC)


def test_0022_keeps_each_templates_ratio_and_reads_held_coupons_as_claimed(scratch_url):
    engine = at_revision_with_a_shop(scratch_url, "0021", T0)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO coupon_templates (id, issuer_kind, issuer_id, name, face_value_fen, valid_days_after_claim, "
            "total_stock, claimed_count, per_user_limit, new_user_only, shop_ids, product_ids, platform_share, "
            "created_at, created_by) VALUES (1, 'PLATFORM', NULL, 'old', 1000, 30, 10, 1, 1, false, '', '', '0.35', "
            ":t, 'ops')"), {"t": T0})
        conn.execute(text(
            "INSERT INTO coupons (id, template_id, owner_id, seq, claimed_at, valid_from, valid_until, status, "
            "new_user_only, version) VALUES (1, 1, 'buyer-1', 1, :t, :t, :t, 'AVAILABLE', false, 0)"), {"t": T0})
    engine.dispose()
    upgrade(scratch_url)
    engine = sync_engine(scratch_url)
    with engine.connect() as conn:
        template = _template(conn.execute(text("SELECT * FROM coupon_templates")).one())
        coupon = _coupon(conn.execute(text("SELECT * FROM coupons")).one())
        empty = [conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                 for t in ("campaigns", "campaign_sign_ups", "invoices", "invoice_accounts")]
    engine.dispose()
    assert (template.campaign_id, str(template.platform_share)) == (None, "0.35")
    assert coupon.origin.value == "CLAIMED" and empty == [0, 0, 0, 0]
