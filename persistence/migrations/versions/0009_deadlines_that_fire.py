"""deadlines that fire (E7): fired_deadlines, and the index that finds claims past their response time

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 03:45:00
"""
import sqlalchemy as sa
from alembic import op

import persistence.shared.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'fired_deadlines',
        sa.Column('kind', sa.String(length=48), nullable=False),
        sa.Column('subject_id', sa.BigInteger(), nullable=False),
        sa.Column('fired_at', persistence.shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'subject_id'),
    )
    op.create_index('ix_claims_response_due', 'claims', ['status', 'merchant_response_due_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_claims_response_due', table_name='claims')
    op.drop_table('fired_deadlines')
