"""Migration 0014 on a database filled at 0013: every key is BIGINT on PostgreSQL (ids, the columns that refer to
them, their sequences), the rows keep their keys and links, and a key past 2^31 is stored and joined."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from persistence.db import is_sqlite
from persistence.migrate import upgrade
from tests.database import at_revision_with_a_shop

T0 = datetime(2026, 6, 1, 2, tzinfo=UTC)
BIG = 2**40


def test_0014_makes_every_key_bigint_on_a_filled_database(scratch_url):
    engine = at_revision_with_a_shop(scratch_url, "0013", T0)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO ledger_entries (shop_id, kind, bucket, amount_fen, created_at, actor_role, "
                          "actor_id) SELECT id, 'DEPOSIT_CREDIT', 'DEPOSIT', 100, :t, 'SERVICE', 's' FROM shops"),
                     {"t": T0})
    upgrade(scratch_url, "head")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO shops (id, name, created_at) VALUES (:id, 'Big', :t)"), {"id": BIG, "t": T0})
        conn.execute(text("INSERT INTO ledger_entries (shop_id, kind, bucket, amount_fen, created_at, actor_role, "
                          "actor_id, reverses_id) VALUES (:s, 'REVERSAL', 'DEPOSIT', -100, :t, 'SERVICE', 's', "
                          "(SELECT min(id) FROM ledger_entries))"), {"s": BIG, "t": T0})
        joined = conn.execute(text("SELECT s.name, l.amount_fen FROM ledger_entries l JOIN shops s "
                                   "ON s.id = l.shop_id ORDER BY l.id")).all()
        narrow = None if is_sqlite(scratch_url) else conn.execute(text(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() AND "
            "data_type = 'integer' AND (column_name = 'id' OR column_name LIKE '%\\_id' ESCAPE '\\')")).scalar_one()
        sequences = None if is_sqlite(scratch_url) else conn.execute(text(
            "SELECT count(*) FROM information_schema.sequences WHERE sequence_schema = current_schema() "
            "AND data_type = 'integer'")).scalar_one()
    engine.dispose()
    assert [tuple(r) for r in joined] == [("Farm", 100), ("Big", -100)]
    if not is_sqlite(scratch_url):
        assert (narrow, sequences) == (0, 0)

