"""Every key BIGINT on PostgreSQL: ids and the columns that refer to them, and the sequences behind them (a busy
events table passes 2^31 rows in a year). SQLite's INTEGER is 64-bit already. Each table is rewritten once, with
all of its key columns in one ALTER TABLE; foreign keys follow the types they join. And ``ix_reviews_shop_id`` goes:
``ix_reviews_shop_rating`` (shop_id, rating, id) leads with the same column, and on a rebuilt table the planner
took the narrower one for a shop's reviews by rating, filtering where it should seek.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 14:00:00
"""
from alembic import op
from sqlalchemy import text

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

KEY_COLUMNS = text(
    "SELECT table_name, column_name FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND data_type = 'integer' "
    "AND (column_name = 'id' OR column_name LIKE '%\\_id' ESCAPE '\\') AND table_name <> 'alembic_version' "
    "ORDER BY table_name, column_name")
SEQUENCES = text("SELECT sequence_name FROM information_schema.sequences "
                 "WHERE sequence_schema = current_schema() AND data_type = 'integer'")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def upgrade() -> None:
    op.drop_index('ix_reviews_shop_id', table_name='reviews')
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    columns: dict[str, list[str]] = {}
    for table, column in bind.execute(KEY_COLUMNS).all():
        columns.setdefault(table, []).append(column)
    for table, names in columns.items():
        changes = ", ".join(f"ALTER COLUMN {_quote(c)} TYPE BIGINT" for c in names)
        op.execute(f"ALTER TABLE {_quote(table)} {changes}")
    for (sequence,) in bind.execute(SEQUENCES).all():
        op.execute(f"ALTER SEQUENCE {_quote(sequence)} AS BIGINT MAXVALUE 9223372036854775807")


def downgrade() -> None:
    """Keys stay BIGINT: narrowing them could fail on the rows a busy year wrote."""
    op.create_index('ix_reviews_shop_id', 'reviews', ['shop_id'])
