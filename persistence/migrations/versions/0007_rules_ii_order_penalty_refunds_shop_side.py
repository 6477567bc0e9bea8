"""Rules II: the order's penalty and refunds, the shop's side of an escalation, ruling causes and notes,
new-user coupons that know what they are

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 02:30:00

Works on a database holding round-1 data: every new column is nullable or has a server default, and the facts
the new columns summarise are computed from the rows already there:
- ``orders.refunded_fen``: the claims' refunds of the order, or (a paid order that was cancelled, W7) its goods after
  discounts when that is more;
- ``orders.penalty_claim_id``: the earliest ruling in force that charged a penalty on the order (C6 once per order;
  rulings that charged a second penalty under the old per-line reading stay as they were: the ledger is
  append-only);
- ``coupons.new_user_only``: copied from the coupon's template (W8);
- ``claim_evidence.submitted_by``: BUYER (only buyers could add evidence before C9).
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

import persistence.shared.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('orders') as batch:
        batch.add_column(sa.Column('refunded_fen', sa.BigInteger(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('penalty_claim_id', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('claims') as batch:
        batch.add_column(sa.Column('ruling_force_majeure_cause', sqlmodel.sql.sqltypes.AutoString(length=32),
                                   nullable=True))
        batch.add_column(sa.Column('ruling_note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True))
        batch.add_column(sa.Column('ruling_penalty_charged_on_claim_id', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('merchant_statement', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True))
        batch.add_column(sa.Column('merchant_responded_at', persistence.shared.types.UTCDateTime(timezone=True),
                                   nullable=True))
    with op.batch_alter_table('claim_evidence') as batch:
        batch.add_column(sa.Column('submitted_by', sa.String(length=16), nullable=False, server_default='BUYER'))
    with op.batch_alter_table('coupons') as batch:
        batch.add_column(sa.Column('new_user_only', sa.Boolean(), nullable=False, server_default=sa.false()))
    _backfill()


def _backfill() -> None:
    bind = op.get_bind()
    bind.execute(sa.text(
        "UPDATE coupons SET new_user_only = (SELECT t.new_user_only FROM coupon_templates t "
        "WHERE t.id = coupons.template_id)"))
    claim_refunds = dict(bind.execute(sa.text(
        "SELECT order_id, SUM(refunded_fen) FROM claims GROUP BY order_id HAVING SUM(refunded_fen) > 0")).all())
    cancelled_paid = {order_id for (order_id,) in bind.execute(sa.text(
        "SELECT id FROM orders WHERE status = 'CANCELLED' AND paid_at IS NOT NULL")).all()}
    goods_paid: dict[int, int] = {}
    if cancelled_paid:
        for order_id, price, milli, discount in bind.execute(sa.text(
                "SELECT order_id, unit_price_fen, quantity_milli, discount_fen FROM order_lines")).all():
            if order_id in cancelled_paid:  # the line subtotal as OrderLine.subtotal rounds it: half-up to the fen
                subtotal = (2 * price * milli + 1000) // 2000
                goods_paid[order_id] = goods_paid.get(order_id, 0) + subtotal - discount
    refunded = {order_id: max(int(fen), goods_paid.get(order_id, 0)) for order_id, fen in claim_refunds.items()}
    for order_id in cancelled_paid:
        refunded[order_id] = max(refunded.get(order_id, 0), goods_paid.get(order_id, 0))
    update_refund = sa.text("UPDATE orders SET refunded_fen = :fen WHERE id = :id")
    for order_id, fen in refunded.items():
        bind.execute(update_refund, {"fen": fen, "id": order_id})
    first_penalty: dict[int, int] = {}
    for order_id, claim_id in bind.execute(sa.text(
            "SELECT order_id, id FROM claims WHERE ruling_outcome = 'BUYER_WINS' AND ruling_withdrawn_at IS NULL "
            "AND ruling_penalty_fen > 0 ORDER BY ruled_at, id")).all():
        first_penalty.setdefault(order_id, claim_id)
    update_penalty = sa.text("UPDATE orders SET penalty_claim_id = :claim WHERE id = :id")
    for order_id, claim_id in first_penalty.items():
        bind.execute(update_penalty, {"claim": claim_id, "id": order_id})


def downgrade() -> None:
    with op.batch_alter_table('coupons', recreate='never') as batch:  # SQLite 3.35+ drops columns in place
        batch.drop_column('new_user_only')
    with op.batch_alter_table('claim_evidence', recreate='never') as batch:  # SQLite 3.35+ drops columns in place
        batch.drop_column('submitted_by')
    with op.batch_alter_table('claims', recreate='never') as batch:  # SQLite 3.35+ drops columns in place
        batch.drop_column('merchant_responded_at')
        batch.drop_column('merchant_statement')
        batch.drop_column('ruling_penalty_charged_on_claim_id')
        batch.drop_column('ruling_note')
        batch.drop_column('ruling_force_majeure_cause')
    with op.batch_alter_table('orders', recreate='never') as batch:  # SQLite 3.35+ drops columns in place
        batch.drop_column('penalty_claim_id')
        batch.drop_column('refunded_fen')
