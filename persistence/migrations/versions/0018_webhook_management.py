"""Webhook management (E11): an endpoint's description, why it is disabled, a rotation's previous secret, since when
it fails; every attempt of a delivery

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 14:30:00

Works on a database holding earlier data: the new endpoint columns are empty (no endpoint had them; a disabled one
gets no reason, and every endpoint starts as not failing: its failures count from its next attempt), and
``webhook_attempts`` starts empty — the attempts made before kept only their last status on the delivery, which
stays as it was.
"""
import sqlalchemy as sa
from alembic import op

from persistence.shared.types import UTCDateTime

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_endpoints") as table:
        table.add_column(sa.Column("description", sa.Text(), nullable=True))
        table.add_column(sa.Column("disabled_reason", sa.Text(), nullable=True))
        table.add_column(sa.Column("previous_secret", sa.String(length=128), nullable=True))
        table.add_column(sa.Column("previous_secret_until", UTCDateTime(), nullable=True))
        table.add_column(sa.Column("secret_rotated_at", UTCDateTime(), nullable=True))
        table.add_column(sa.Column("failing_since", UTCDateTime(), nullable=True))
    op.create_table(
        "webhook_attempts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("delivery_id", sa.BigInteger(),
                  sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("excerpt", sa.Text(), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_webhook_attempts_delivery", "webhook_attempts", ["delivery_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_webhook_attempts_delivery", table_name="webhook_attempts")
    op.drop_table("webhook_attempts")
    with op.batch_alter_table("webhook_endpoints") as table:
        for column in ("failing_since", "secret_rotated_at", "previous_secret_until", "previous_secret",
                       "disabled_reason", "description"):
            table.drop_column(column)
