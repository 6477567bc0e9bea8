"""The test database: ``DATABASE_URL`` when set (CI points it at PostgreSQL), else a fresh SQLite file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from persistence.db import is_sqlite, sqlite_pragmas, sync_url
from persistence.tables import metadata


def test_database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    folder = Path(tempfile.mkdtemp(prefix="aftersales-test-"))
    return f"sqlite+aiosqlite:///{folder / 'test.db'}"


def sync_engine(url: str):
    engine = create_engine(sync_url(url))
    if is_sqlite(url):
        from sqlalchemy import event

        event.listen(engine, "connect", lambda conn, _rec: sqlite_pragmas(conn))
    return engine


def drop_everything(url: str) -> None:
    """Start from nothing, so the migrations themselves are what builds the schema under test."""
    engine = sync_engine(url)
    with engine.begin() as conn:
        if is_sqlite(url):
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for table in inspect(conn).get_table_names():
                conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{table}"')
        else:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def empty_tables(engine) -> None:
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            for table in tables:
                conn.exec_driver_sql(f'DELETE FROM "{table}"')
        else:
            conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def at_revision_with_a_shop(url: str, revision: str, at):
    """A migration test's start: an empty database at ``revision`` holding shop 1 and its product 1; its engine."""
    from sqlalchemy import text

    from persistence.migrate import upgrade

    drop_everything(url)
    upgrade(url, revision)
    engine = sync_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO shops (id, name, created_at) VALUES (1, 'Farm', :t)"), {"t": at})
        conn.execute(text("INSERT INTO products (id, shop_id, sku, name, price_fen, fresh, created_at) VALUES "
                          "(1, 1, 'a', 'A', 100, true, :t)"), {"t": at})
    return engine
