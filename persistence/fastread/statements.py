"""Statement texts compiled once, for PostgreSQL reads run through the driver (``driver.py``) when SQLAlchemy would
change no value, in or out.

- A batch by keys (``persistence/shared/keys.py``'s ``ByKeys``): its one statement per dialect, compiled once.
- A page's statement (its filters, cursor and limit vary): compiled once per shape, by SQLAlchemy's own cache key
  (``_generate_cache_key``, which leaves the values out), and run with this statement's values
  (``construct_params(extracted_parameters=…)``). SQLAlchemy's execution of a page of claims cost ~0.35 ms of CPU
  more than the driver's.

Anything else returns None and runs through SQLAlchemy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, cast

from sqlalchemy import Dialect, Executable, Select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from persistence.fastread.driver import driver_rows
from persistence.shared.types import UTCDateTime


class ByKeys(Protocol):
    """What these reads need of ``persistence/shared/keys.py``'s ``ByKeys`` (the one way between the two is keys.py
    handing its batches over): its statement per dialect, and a place to keep the text compiled for it."""

    sql: tuple[str | None, frozenset[str]] | None

    def statement(self, dialect: str) -> Executable: ...


async def keyed_rows(query: ByKeys, session: AsyncSession, keys: list[Any], parameters: dict[str, Any]
                     ) -> Sequence[Any] | None:
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        return None
    sql, takes = query.sql or _direct_text(query, dialect)
    if sql is None or takes != {"keys", *parameters}:
        return None
    return await driver_rows(session, sql, {"keys": keys, **parameters})


def _direct_text(query: ByKeys, dialect: Dialect) -> tuple[str | None, frozenset[str]]:
    """The statement's text for psycopg when SQLAlchemy would have nothing to do to its values: a SELECT whose
    parameters are all the caller's (no literal compiled in) and go in unchanged (the keys' array of plain
    values), and whose columns come out unchanged (``_plain``). Anything else: None, and SQLAlchemy runs it."""
    statement = query.statement(dialect.name)
    assert isinstance(statement, ClauseElement)
    compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
    literals = any(bind.value is not None or bind.callable is not None for bind in compiled.binds.values())
    direct = _plain(statement, compiled, dialect, allowed={"keys"}) and not literals
    query.sql = (str(compiled) if direct else None), frozenset(compiled.binds)
    return query.sql


def _plain(statement: Any, compiled: SQLCompiler, dialect: Dialect, allowed: set[str]) -> bool:
    """A SELECT SQLAlchemy would change no value of, in or out: every parameter goes to the driver as it is (or is
    an array of plain values, among ``allowed``), and every column comes back as it is (a ``UTCDateTime`` returns
    PostgreSQL's UTC timestamps unchanged: the sessions run in UTC, persistence/db.py)."""
    if compiled.post_compile_params or compiled.literal_execute_params:
        return False  # an expanding IN, a literal rendered at execution: the text is finished at each execution
    plain_in = all(name in allowed and _plain_array(bind.type, dialect) for name, bind in compiled.binds.items()
                   if bind.type.dialect_impl(dialect).bind_processor(dialect) is not None)
    return plain_in and isinstance(statement, Select) and all(
        isinstance(column.type, UTCDateTime) or column.type.dialect_impl(dialect).result_processor(dialect, None)
        is None for column in statement.selected_columns)


def _plain_array(type_: Any, dialect: Dialect) -> bool:
    """An array whose items SQLAlchemy would pass to the driver as they are."""
    return isinstance(type_, ARRAY) and type_.item_type.dialect_impl(dialect).bind_processor(dialect) is None


_TEXTS: dict[Any, tuple[str | None, SQLCompiler]] = {}
_TEXTS_KEPT = 512  # statement shapes kept; past that the table starts again


async def select_rows(session: AsyncSession, statement: Select[Any]) -> Sequence[Any] | None:
    dialect = session.get_bind().dialect
    cache_key = statement._generate_cache_key() if dialect.name == "postgresql" else None
    if cache_key is None:
        return None
    entry = _TEXTS.get(cache_key.key)
    if entry is None:
        compiled = dialect.statement_compiler(dialect, statement, cache_key=cache_key)
        entry = (str(compiled) if _plain(statement, compiled, dialect, allowed=set()) else None), compiled
        if len(_TEXTS) >= _TEXTS_KEPT:
            _TEXTS.clear()
        _TEXTS[cache_key.key] = entry
    sql, compiled = entry
    if sql is None:
        return None
    return await driver_rows(session, sql, compiled.construct_params(extracted_parameters=cache_key.bindparams))
