"""F4's money by kind: a shop's refunds, penalties and reversals of a period are three ranges of one index
(shop, kind, time), read index-only on PostgreSQL, instead of every entry of the period filtered by kind; the
(shop, time) index goes back to its two columns

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 14:25:00
"""
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_ledger_entries_shop_kind_created', 'ledger_entries', ['shop_id', 'kind', 'created_at'],
                    postgresql_include=['amount_fen', 'reverses_id'])
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_ledger_entries_shop_created', table_name='ledger_entries')
        op.create_index('ix_ledger_entries_shop_created', 'ledger_entries', ['shop_id', 'created_at'])


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_ledger_entries_shop_created', table_name='ledger_entries')
        op.create_index('ix_ledger_entries_shop_created', 'ledger_entries', ['shop_id', 'created_at'],
                        postgresql_include=['kind', 'amount_fen', 'reverses_id'])
    op.drop_index('ix_ledger_entries_shop_kind_created', table_name='ledger_entries')
