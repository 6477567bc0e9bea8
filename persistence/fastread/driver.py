"""Reads on PostgreSQL straight through psycopg, inside the session's own transaction, for statements compiled once
(``ByKeys.rows``). SQLAlchemy's execution (its execution context, the cached-statement lookup, its ``Result`` and
rows) cost ~0.4 ms a statement here, about as much as psycopg itself, and a page of claims runs eight.

What SQLAlchemy would have done around the statement is still done: the engine's ``before_cursor_execute`` and
``after_cursor_execute`` listeners hear it (the SQL spans of tracing, the statement counts of the tests), and its
``handle_error`` listeners a failure (the span ends as an error); a driver error comes out as SQLAlchemy's
``DBAPIError`` of the same kind (so a lost database still reads as unavailable), and a connection the error broke
is invalidated rather than handed back to the pool."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession


class _Context:
    """Stands for SQLAlchemy's execution context in the cursor events (a tracer keeps its span on it)."""


_HELD = "driver_rows.connection"  # in ``session.info``: the transaction, and its connections, last read through


async def driver_rows(session: AsyncSession, sql: str, parameters: Mapping[str, Any]) -> Sequence[tuple[Any, ...]]:
    transaction = session.sync_session.get_transaction()
    held = session.info.get(_HELD)
    if held is not None and transaction is not None and held[0] is transaction and not held[2].invalidated:
        connection, sync, driver = held[1:]  # a page's reads: one lookup for all (each costs two greenlet switches)
    else:
        connection = await session.connection()  # the transaction's connection, begun if it was not
        sync = connection.sync_connection
        assert sync is not None  # a connection of an open session
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None  # the connection is checked out
        session.info[_HELD] = (session.sync_session.get_transaction(), connection, sync, driver)
    context = _Context()
    listeners = sync.dispatch
    try:
        cursor = driver.cursor()
        for listener in listeners.before_cursor_execute:
            listener(sync, cursor, sql, parameters, context, False)
        try:
            await cursor.execute(sql, parameters)
            rows = await cursor.fetchall()
        finally:
            await cursor.close()
    except psycopg.Error as error:
        lost = driver.broken or driver.closed
        raised = DBAPIError.instance(sql, parameters, error, psycopg.Error, hide_parameters=True,
                                     connection_invalidated=lost, dialect=sync.dialect)
        failure = SimpleNamespace(  # what SQLAlchemy's ExceptionContext gives the ``handle_error`` listeners
            connection=sync, engine=sync.engine, dialect=sync.dialect, cursor=None, statement=sql,
            parameters=parameters, original_exception=error, sqlalchemy_exception=raised, chained_exception=None,
            execution_context=context, is_disconnect=lost, invalidate_pool_on_disconnect=True, is_pre_ping=False)
        for listener in sync.dialect.dispatch.handle_error:  # a dialect event, as SQLAlchemy fires it
            listener(failure)
        if lost:
            await connection.invalidate(error)
        raise raised from error
    for listener in listeners.after_cursor_execute:
        listener(sync, cursor, sql, parameters, context, False)
    return rows
