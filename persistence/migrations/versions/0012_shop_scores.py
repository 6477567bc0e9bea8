"""shop_scores (A6 in O(1)): the experience score's counters per shop, filled from the rows; and the indexes the
governance report's periods read through (F4)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 06:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

REPORT_INDEXES = [
    ('ix_orders_shop_signed', 'orders', ['shop_id', 'signed_at']),
    ('ix_orders_signed', 'orders', ['signed_at']),
    ('ix_ledger_entries_shop_created', 'ledger_entries', ['shop_id', 'created_at']),
    ('ix_ledger_entries_created', 'ledger_entries', ['created_at']),
    ('ix_coupons_used', 'coupons', ['used_at']),
]


def upgrade() -> None:
    op.create_table(
        'shop_scores',
        sa.Column('shop_id', sa.BigInteger(), nullable=False),
        sa.Column('rating_sum', sa.BigInteger(), nullable=False),
        sa.Column('counted_reviews', sa.BigInteger(), nullable=False),
        sa.Column('counted_claims', sa.BigInteger(), nullable=False),
        sa.Column('delivered_orders', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id']),
        sa.PrimaryKeyConstraint('shop_id'),
    )
    op.execute(
        "INSERT INTO shop_scores (shop_id, rating_sum, counted_reviews, counted_claims, delivered_orders) "
        "SELECT s.id, "
        "COALESCE((SELECT SUM(r.rating) FROM reviews r WHERE r.shop_id = s.id AND r.counts_toward_score), 0), "
        "(SELECT COUNT(*) FROM reviews r WHERE r.shop_id = s.id AND r.counts_toward_score), "
        "(SELECT COUNT(*) FROM claims c WHERE c.shop_id = s.id AND c.counts_toward_return_rate), "
        "(SELECT COUNT(*) FROM orders o WHERE o.shop_id = s.id AND o.signed_at IS NOT NULL) "
        "FROM shops s"
    )


    for name, table, columns in REPORT_INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in REPORT_INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_table('shop_scores')
