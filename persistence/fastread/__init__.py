"""The persistence layer's fast paths: reads on PostgreSQL that skip SQLAlchemy's execution where it would change
no value, in or out. Nothing outside this package (and ``schema/execution/``) uses a library's private name for
speed. A ``Database(fast_reads=False)`` (``FAST_PATHS=false``) uses none of it: every statement runs through
SQLAlchemy's ``session.execute`` and psycopg returns text results.

- ``binary.py``: PostgreSQL's results in binary (psycopg loads integers and timestamps without parsing text).
- ``statements.py``: a statement's text compiled once (by SQLAlchemy's own cache key for a page's statement,
  once per dialect for a batch by keys) when nothing SQLAlchemy does around it changes a value.
- ``driver.py``: that text run through psycopg inside the session's own transaction, with SQLAlchemy's cursor
  and error events fired as SQLAlchemy fires them.

``INTERNALS`` lists every library internal these modules touch; ``tests/test_pinned_internals.py`` pins each."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

_ON = "fastread"  # in a session's ``info``: whether its reads may take the fast paths

# (library object, the attribute or method used, the module of ours that relies on it)
INTERNALS: tuple[tuple[str, str, str], ...] = (
    ("sqlalchemy.sql.traversals.HasCacheKey", "_generate_cache_key", "statements.py"),
    ("sqlalchemy.engine.default.DefaultDialect", "statement_compiler", "statements.py"),
    ("sqlalchemy.sql.compiler.SQLCompiler", "__init__", "statements.py"),
    ("sqlalchemy.sql.compiler.SQLCompiler", "construct_params", "statements.py"),
    ("sqlalchemy.sql.compiler.SQLCompiler", "post_compile_params", "statements.py"),
    ("sqlalchemy.sql.compiler.SQLCompiler", "literal_execute_params", "statements.py"),
    ("sqlalchemy.engine.base.Connection", "_handle_dbapi_exception", "driver.py"),
    ("sqlalchemy.engine.base.Connection", "_exec_single_context", "driver.py"),
    ("sqlalchemy.engine.base.ExceptionContextImpl", "__init__", "driver.py"),
    ("sqlalchemy.exc.DBAPIError", "instance", "driver.py"),
    ("sqlalchemy.engine.events.ConnectionEvents", "before_cursor_execute", "driver.py"),
)


def session_info(fast_reads: bool) -> dict[str, Any]:
    return {_ON: fast_reads}


def enabled(session: AsyncSession) -> bool:
    return bool(session.info.get(_ON, False))


def binary_results(engine: AsyncEngine) -> None:
    from persistence.fastread.binary import binary_results as install

    install(engine)
