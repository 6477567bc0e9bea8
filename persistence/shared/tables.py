"""Typed access to what SQLModel builds but does not type: a table model's ``Table``, an UPDATE's row count."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result, Table
from sqlmodel import SQLModel


def table(model: type[SQLModel]) -> Table:
    """The Core table of a ``table=True`` model (SQLModel sets ``__table__`` without declaring it)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def rows_affected(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched: what decides every conditional write."""
    return cast("CursorResult[Any]", result).rowcount
