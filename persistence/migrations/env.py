from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text

import persistence.tables  # noqa: F401  (registers every table)
from persistence.db import sqlite_pragmas
from persistence.tables import metadata

config = context.config
MIGRATION_LOCK = 0x616674657273616C  # "aftersal": the advisory lock key migrations take on PostgreSQL


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("no sqlalchemy.url: run migrations through persistence.migrate")
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        from sqlalchemy import event

        event.listen(engine, "connect", lambda conn, _rec: sqlite_pragmas(conn))
        # Alembic's advice for SQLite: recreating a table that others refer to (batch mode) needs the foreign keys
        # off while it runs; they are checked as a whole before the migration commits.
        event.listen(engine, "connect", lambda conn, _rec: conn.execute("PRAGMA foreign_keys=OFF"))
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=metadata, render_as_batch=engine.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            if engine.dialect.name == "postgresql":
                # Several processes starting together on one database: one migrates, the others wait here until it
                # commits, then find the database at head (the lock is the transaction's: released at its end).
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            context.run_migrations()
            if engine.dialect.name == "sqlite":
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left rows whose references are missing: {broken[:5]}")
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; point DATABASE_URL at a database")
run_migrations()
