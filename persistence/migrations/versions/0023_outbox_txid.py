"""The outbox without a global lock (issue 34): on PostgreSQL each event row carries the id of the transaction that
wrote it (``txid xid8``, PostgreSQL 13+), and replay reads in (txid, id) order only the rows of transactions older
than every transaction still running, so no commit order has to be forced

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 23:20:00

Rows written before this migration all get the migration's own transaction id (one value, evaluated for the rewrite),
so among themselves they keep their id order, and every later transaction's id is larger. SQLite has one writer at a
time and keeps ordering by id: nothing changes there.
"""
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE events ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id()")
    op.execute("CREATE INDEX ix_events_txid ON events (txid, id)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_events_txid")
    op.execute("ALTER TABLE events DROP COLUMN txid")
