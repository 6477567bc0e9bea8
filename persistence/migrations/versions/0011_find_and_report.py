"""find and report (F1, F2): orders.payable_fen for sorting by payable, and the indexes every list filter and sort
reads through

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 06:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

INDEXES = {
    'claims': [
        ('ix_claims_shop_status', ['shop_id', 'status', 'id']),
        ('ix_claims_shop_submitted', ['shop_id', 'submitted_at', 'id']),
        ('ix_claims_shop_response_due', ['shop_id', 'merchant_response_due_at', 'id']),
        ('ix_claims_submitted', ['submitted_at', 'id']),
        ('ix_claims_response_due_at', ['merchant_response_due_at', 'id']),
        ('ix_claims_order', ['order_id', 'id']),
    ],
    'orders': [
        ('ix_orders_shop_status', ['shop_id', 'status', 'id']),
        ('ix_orders_shop_placed', ['shop_id', 'placed_at', 'id']),
        ('ix_orders_shop_payable', ['shop_id', 'payable_fen', 'id']),
        ('ix_orders_buyer_placed', ['buyer_id', 'placed_at', 'id']),
        ('ix_orders_placed', ['placed_at', 'id']),
        ('ix_orders_payable', ['payable_fen', 'id']),
        ('ix_orders_status', ['status', 'id']),
    ],
    'reviews': [
        ('ix_reviews_shop_rating', ['shop_id', 'rating', 'id']),
        ('ix_reviews_buyer', ['buyer_id', 'id']),
    ],
    'products': [
        ('ix_products_shop_newest', ['shop_id', 'id']),
    ],
}


def upgrade() -> None:
    with op.batch_alter_table('orders') as batch:
        batch.add_column(sa.Column('payable_fen', sa.BigInteger(), nullable=False, server_default='0'))
    # W5: a line's subtotal is quantity × unit price rounded half-up to the fen, then its discount comes off
    op.execute(
        "UPDATE orders SET payable_fen = shipping_fee_fen + COALESCE((SELECT SUM((l.quantity_milli * l.unit_price_fen"
        " + 500) / 1000 - l.discount_fen) FROM order_lines l WHERE l.order_id = orders.id), 0)"
    )
    for table, indexes in INDEXES.items():
        for name, columns in indexes:
            op.create_index(name, table, columns)


def downgrade() -> None:
    for table, indexes in INDEXES.items():
        for name, _ in indexes:
            op.drop_index(name, table_name=table)
    with op.batch_alter_table('orders') as batch:
        batch.drop_column('payable_fen')
