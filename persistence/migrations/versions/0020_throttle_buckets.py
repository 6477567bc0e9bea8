"""H1's cost buckets, one row per caller, shared by every server process on PostgreSQL

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 20:00:00

A new table: nothing earlier refers to it. A caller without a row has a full bucket. On PostgreSQL it is UNLOGGED:
a bucket is not worth a WAL write a request (after a crash the table is empty, so every bucket is full again).
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    unlogged = ["UNLOGGED"] if op.get_bind().dialect.name == "postgresql" else []
    op.create_table(
        "throttle_buckets",
        sa.Column("key", sa.String(length=300), primary_key=True),
        sa.Column("available", sa.Float(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        prefixes=unlogged,
    )


def downgrade() -> None:
    op.drop_table("throttle_buckets")
