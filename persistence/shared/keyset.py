"""Keyset pages in any sort order: the rows after a cursor's key, and the ORDER BY that goes with it. The key is
the sort column(s) then the primary key, so it is unique and a page never repeats or skips a row; with one
direction for all of them it is one row-value comparison, which an index on the same columns serves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, or_, tuple_
from sqlalchemy.sql import ColumnElement

from domain.shared.listing import Page


def after(columns: Sequence[ColumnElement[Any]], descending: bool, key: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after ``key`` in the order ``ordering(columns, descending)``."""
    if len(columns) == 1:
        return columns[0] < key[0] if descending else columns[0] > key[0]
    row, value = tuple_(*columns), tuple_(*key)
    return row < value if descending else row > value


def after_mixed(columns: Sequence[tuple[ColumnElement[Any], bool]], key: Sequence[Any]) -> ColumnElement[bool]:
    """The same when directions differ per column (each with its own ``descending``)."""
    clauses = []
    for i, (column, descending) in enumerate(columns):
        equal = [c == v for (c, _), v in zip(columns[:i], key[:i])]
        clauses.append(and_(*equal, column < key[i] if descending else column > key[i]))
    return or_(*clauses)


def ordering(columns: Sequence[ColumnElement[Any]], descending: bool) -> list[Any]:
    return [c.desc() if descending else c.asc() for c in columns]


def contains(column: ColumnElement[Any], term: str) -> ColumnElement[bool]:
    """F2 search: ``term`` anywhere in ``column``, case-insensitively (ILIKE on PostgreSQL; lower() LIKE lower() on
    SQLite, where case folding is ASCII only — Chinese has no case), with ``%`` and ``_`` taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def window(query: Any, columns: Sequence[Any], descending: bool, page: Page) -> Any:
    """``query`` narrowed to ``page`` of the list ordered ``ordering(columns, descending)``: the rows between its
    ``after`` and ``before`` keys, read from the end the page starts at (H3: a backward page reads in reverse, so
    its ``limit`` rows are the ones nearest ``before``; ``Page.rows_in_order`` turns them round)."""
    if page.after is not None:
        query = query.where(after(columns, descending, page.after))
    if page.before is not None:
        query = query.where(after(columns, not descending, page.before))
    return query.order_by(*ordering(columns, page.reads_descending(descending))).limit(page.limit)


async def id_page(session: Any, ids_query: Any, id_column: ColumnElement[Any], page: Page,
                  descending: bool = True) -> list[int]:
    """The ids of ``page`` of ``ids_query`` (a ``select`` of the id, filtered), in the order read; by default the
    list is newest first."""
    return list((await session.execute(window(ids_query, [id_column], descending, page))).scalars().all())
