"""F2 in the schema: the shared ``SortDirection``, and cursors that carry their sort. A cursor from one sort used with
another is a clear ``BAD_USER_INPUT``, never a wrong page. Without ``sortBy`` a list's cursor is its id alone, as
before sorting existed, so cursors handed out earlier stay valid."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from domain.shared.listing import Page, SortDirection
from domain.shared.messages import msg

__all__ = ["SortDirection", "sort_key", "sorted_page"]
from schema.common.errors import bad_input
from schema.common.ids import decode_cursor, encode_cursor
from schema.common.pagination import cursor_value, page_size

strawberry.enum(SortDirection, name="SortDirection")


def _tag(field: str, direction: SortDirection) -> str:
    return f"{field}:{direction.value}"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def sorted_page(first: int | None, after: str | None, field: str | None, direction: SortDirection,
                kind: type = int) -> Page:
    """The ``Page`` a list reads: its size, its sort, and the key ``after`` carries (``kind`` is the sort value's
    type: ``datetime`` or ``int``)."""
    limit = page_size(first) + 1  # one more than the page: whether there is a next one
    if field is None:
        if after is None:
            return Page(limit)
        raw = decode_cursor(after)
        try:
            if raw is None or len(raw) != 1:
                raise ValueError("not an id cursor")
            return Page(limit, after=(cursor_value(raw[0], int),))
        except ValueError:
            raise bad_input("that `after` cursor is not one this list gave out (or it was made with a `sortBy`)") \
                from None
    if after is None:
        return Page(limit, field, direction)
    raw = decode_cursor(after)
    if raw is None or len(raw) != 3 or not isinstance(raw[0], str) or not isinstance(raw[2], int):
        raise bad_input("that `after` cursor is not one this list gave out (or it was made without `sortBy`)")
    if raw[0] != _tag(field, direction):
        raise bad_input(msg("that `after` cursor was made for the sort {made}, not {asked}: ask for the first page "
                            "again", made=raw[0], asked=_tag(field, direction)))
    try:
        value, last_id = cursor_value(raw[1], kind), cursor_value(raw[2], int)
    except ValueError:
        raise bad_input("that `after` cursor is not one this list gave out") from None
    return Page(limit, field, direction, (value, last_id))


def sort_key(page: Page, value_of: Any) -> Any:
    """The cursor key of a row in ``page``'s sort: ``lambda row: (row.id,)`` by default, else tag, value, id."""
    if page.sort is None:
        return lambda row: (row.id,)
    tag = _tag(page.sort, page.direction)
    return lambda row: (tag, _plain(value_of(row)), row.id)


def cursor(*key: Any) -> str:
    return encode_cursor(*key)
