"""Keyset pages in any sort order: the rows after a cursor's key, and the ORDER BY that goes with it. The key is
the sort column(s) then the primary key, so it is unique and a page never repeats or skips a row; with one
direction for all of them it is one row-value comparison, which an index on the same columns serves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, or_, tuple_
from sqlalchemy.sql import ColumnElement


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
