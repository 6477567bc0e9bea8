"""W11 campaigns and sign-ups, W12 a coupon's origin, W13 invoices and the invoiced total of each period

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 23:00:00

Existing templates get no campaign (campaign_id NULL) and keep their own platform_share (W11: "templates outside a
campaign keep their per-template ratio"); existing coupons were all claimed (origin CLAIMED).
"""
import sqlalchemy as sa
from alembic import op

from persistence.shared.types import UTCDateTime

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", KEY, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("sign_up_from", UTCDateTime(timezone=True), nullable=False),
        sa.Column("sign_up_until", UTCDateTime(timezone=True), nullable=False),
        sa.Column("runs_from", UTCDateTime(timezone=True), nullable=False),
        sa.Column("runs_until", UTCDateTime(timezone=True), nullable=False),
        sa.Column("min_merchant_share", sa.String(length=24), nullable=False),
        sa.Column("max_merchant_share", sa.String(length=24), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_campaigns_sign_up", "campaigns", ["sign_up_until", "id"])
    op.create_table(
        "campaign_sign_ups",
        sa.Column("id", KEY, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", sa.BigInteger(), sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("shop_id", sa.BigInteger(), sa.ForeignKey("shops.id"), nullable=False),
        sa.Column("merchant_share", sa.String(length=24), nullable=False),
        sa.Column("joined_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("changed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("campaign_id", "shop_id", name="uq_campaign_sign_ups"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_campaign_sign_ups_shop", "campaign_sign_ups", ["shop_id", "campaign_id"])
    if op.get_bind().dialect.name == "sqlite":  # SQLite adds a NULL column with its reference in place
        op.execute("ALTER TABLE coupon_templates ADD COLUMN campaign_id BIGINT REFERENCES campaigns (id)")
    else:
        op.add_column("coupon_templates", sa.Column("campaign_id", sa.BigInteger(), nullable=True))
        op.create_foreign_key("fk_coupon_templates_campaign", "coupon_templates", "campaigns", ["campaign_id"],
                              ["id"])
    op.create_index("ix_coupon_templates_campaign_id", "coupon_templates", ["campaign_id"])
    op.add_column("coupons", sa.Column("origin", sa.String(length=16), nullable=False, server_default="CLAIMED"))
    op.create_table(
        "invoices",
        sa.Column("id", KEY, primary_key=True, autoincrement=True),
        sa.Column("shop_id", sa.BigInteger(), sa.ForeignKey("shops.id"), nullable=False),
        sa.Column("counterparty", sa.String(length=16), nullable=False),
        sa.Column("counterparty_id", sa.String(length=128), nullable=False),
        sa.Column("period_from", UTCDateTime(timezone=True), nullable=False),
        sa.Column("period_to", UTCDateTime(timezone=True), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("voided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.String(length=128), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.UniqueConstraint("shop_id", "number", name="uq_invoices_number"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_invoices_shop_period", "invoices", ["shop_id", "period_from", "id"])
    op.create_table(
        "invoice_accounts",
        sa.Column("id", KEY, primary_key=True, autoincrement=True),
        sa.Column("shop_id", sa.BigInteger(), sa.ForeignKey("shops.id"), nullable=False),
        sa.Column("counterparty", sa.String(length=16), nullable=False),
        sa.Column("counterparty_id", sa.String(length=128), nullable=False),
        sa.Column("period_from", UTCDateTime(timezone=True), nullable=False),
        sa.Column("period_to", UTCDateTime(timezone=True), nullable=False),
        sa.Column("invoiced_fen", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("shop_id", "counterparty", "counterparty_id", "period_from", "period_to",
                            name="uq_invoice_accounts"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("invoice_accounts")
    op.drop_index("ix_invoices_shop_period", table_name="invoices")
    op.drop_table("invoices")
    with op.batch_alter_table("coupons") as table:
        table.drop_column("origin")
    op.drop_index("ix_coupon_templates_campaign_id", table_name="coupon_templates")
    with op.batch_alter_table("coupon_templates") as table:
        table.drop_column("campaign_id")
    op.drop_index("ix_campaign_sign_ups_shop", table_name="campaign_sign_ups")
    op.drop_table("campaign_sign_ups")
    op.drop_index("ix_campaigns_sign_up", table_name="campaigns")
    op.drop_table("campaigns")
