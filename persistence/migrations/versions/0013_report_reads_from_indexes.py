"""F4 from indexes: a claim keeps when the merchant first answered and when it was escalated (filled from its
events), and on PostgreSQL the two indexes the governance report reads carry the columns it aggregates, so a shop's
period is an index-only range scan

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 13:20:00
"""
import sqlalchemy as sa
from alembic import op

import persistence.shared.types

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

FIRST_EVENT = ("(SELECT MIN(e.occurred_at) FROM events e WHERE e.subject_type = 'Claim' "
               "AND e.subject_key = CAST(claims.id AS VARCHAR) AND e.type IN ({types}))")
COVERING = [
    ('ix_claims_shop_submitted', 'claims', ['shop_id', 'submitted_at', 'id'],
     ['status', 'ruling_outcome', 'answered_at', 'escalated_at']),
    ('ix_ledger_entries_shop_created', 'ledger_entries', ['shop_id', 'created_at'],
     ['kind', 'amount_fen', 'reverses_id']),
]


def upgrade() -> None:
    with op.batch_alter_table('claims') as batch:
        batch.add_column(sa.Column('answered_at', persistence.shared.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('escalated_at', persistence.shared.types.UTCDateTime(timezone=True),
                                   nullable=True))
    op.execute("UPDATE claims SET answered_at = "
               + FIRST_EVENT.format(types="'CLAIM_ACCEPTED', 'CLAIM_REJECTED'")
               + ", escalated_at = " + FIRST_EVENT.format(types="'CLAIM_ESCALATED'"))
    if op.get_bind().dialect.name == 'postgresql':
        for name, table, columns, include in COVERING:
            op.drop_index(name, table_name=table)
            op.create_index(name, table, columns, postgresql_include=include)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for name, table, columns, _ in COVERING:
            op.drop_index(name, table_name=table)
            op.create_index(name, table, columns)
    with op.batch_alter_table('claims') as batch:
        batch.drop_column('escalated_at')
        batch.drop_column('answered_at')
