"""Webhook payloads shaped by a query (E10): an endpoint's subscription document, and each delivery's body as its
first attempt sent it

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 17:30:00

Works on a database holding earlier data: no endpoint had a document (each keeps E5's default body), and a delivery
made before has no body kept: its next attempt renders it, as a first attempt does, and keeps it.
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_endpoints") as table:
        table.add_column(sa.Column("payload_query", sa.Text(), nullable=True))
    with op.batch_alter_table("webhook_deliveries") as table:
        table.add_column(sa.Column("body", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries") as table:
        table.drop_column("body")
    with op.batch_alter_table("webhook_endpoints") as table:
        table.drop_column("payload_query")
