from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import persistence.tables  # noqa: F401  (registers every table)
from persistence.db import sqlite_pragmas
from persistence.tables import metadata

config = context.config


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("no sqlalchemy.url: run migrations through persistence.migrate")
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        from sqlalchemy import event

        event.listen(engine, "connect", lambda conn, _rec: sqlite_pragmas(conn))
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=metadata, render_as_batch=engine.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; point DATABASE_URL at a database")
run_migrations()
