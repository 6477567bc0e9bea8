"""Keyset cursor connections (contract: ``first`` at most 100)."""

from __future__ import annotations

import strawberry

from schema.common.errors import bad_input
from schema.common.ids import decode_cursor, encode_cursor

DEFAULT_PAGE = 20
MAX_PAGE = 100


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 1 <= first <= MAX_PAGE:
        raise bad_input(f"first must be between 1 and {MAX_PAGE}")
    return first


def after_key(after: str | None, arity: int = 1) -> list | None:
    """The sort key a cursor carries, or None without a cursor; a cursor that does not decode is an error."""
    if after is None:
        return None
    key = decode_cursor(after)
    if key is None or len(key) != arity:
        raise bad_input("that `after` cursor is not one this list gave out")
    return key


def page_info(cursors: list[str], has_next: bool, had_cursor: bool) -> PageInfo:
    return PageInfo(
        has_next_page=has_next, has_previous_page=had_cursor,
        start_cursor=cursors[0] if cursors else None, end_cursor=cursors[-1] if cursors else None,
    )


__all__ = ["PageInfo", "after_key", "encode_cursor", "page_info", "page_size"]
