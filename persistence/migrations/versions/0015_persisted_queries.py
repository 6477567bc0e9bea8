"""persisted_queries: automatic persisted queries registered by hash, shared by every server process (bounded by
APQ_MAX_DOCUMENTS, the oldest evicted first)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 14:30:00
"""
import sqlalchemy as sa
from alembic import op

import persistence.shared.types

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'persisted_queries',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', persistence.shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('sha256'),
    )
    op.create_index('ix_persisted_queries_created_at', 'persisted_queries', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_persisted_queries_created_at', table_name='persisted_queries')
    op.drop_table('persisted_queries')
