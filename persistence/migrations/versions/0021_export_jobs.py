"""H5's export jobs: one row a job; ``running_key`` (unique, NULL once ended) lets one run per requester

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 20:30:00

A new table: nothing earlier refers to it.
"""
import sqlalchemy as sa
from alembic import op

from persistence.shared.types import UTCDateTime

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export_jobs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("requester_key", sa.String(length=300), nullable=False),
        sa.Column("requester_role", sa.String(length=20), nullable=False),
        sa.Column("requester_id", sa.String(length=200), nullable=False),
        sa.Column("requester_shop", sa.BigInteger(), nullable=True),
        sa.Column("running_key", sa.String(length=300), nullable=True, unique=True),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("row_count", sa.BigInteger(), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=True),
        sqlite_autoincrement=True,  # H8: an id is never handed out again
    )
    op.create_index("ix_export_jobs_requester", "export_jobs", ["requester_key", "id"])


def downgrade() -> None:
    op.drop_index("ix_export_jobs_requester", table_name="export_jobs")
    op.drop_table("export_jobs")
