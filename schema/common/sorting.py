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
from schema.common.pagination import cursor_value, page_size_of

strawberry.enum(SortDirection, name="SortDirection")


def _tag(field: str, direction: SortDirection) -> str:
    return f"{field}:{direction.value}"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def sorted_page(first: int | None, after: str | None, field: str | None, direction: SortDirection,
                kind: type = int, last: int | None = None, before: str | None = None) -> Page:
    """The ``Page`` a list reads: its size, its sort, and the keys ``after`` and ``before`` carry (``kind`` is the
    sort value's type: ``datetime`` or ``int``); H3: ``last`` reads it backward."""
    limit = page_size_of(first, last) + 1  # one more than the page: whether there are more
    bounds = {name: _key(cursor, name, field, direction, kind)
              for name, cursor in (("after", after), ("before", before)) if cursor is not None}
    return Page(limit, field, direction if field else SortDirection.DESC, bounds.get("after"), bounds.get("before"),
                last is not None)


def _key(cursor: str, name: str, field: str | None, direction: SortDirection, kind: type) -> tuple[Any, ...]:
    raw = decode_cursor(cursor)
    if field is None:
        try:
            if raw is None or len(raw) != 1:
                raise ValueError("not an id cursor")
            return (cursor_value(raw[0], int),)
        except ValueError:
            raise bad_input(msg("that `{name}` cursor is not one this list gave out (or it was made with a "
                                "`sortBy`)", name=name)) from None
    if raw is None or len(raw) != 3 or not isinstance(raw[0], str) or not isinstance(raw[2], int):
        raise bad_input(msg("that `{name}` cursor is not one this list gave out (or it was made without `sortBy`)",
                            name=name))
    if raw[0] != _tag(field, direction):
        raise bad_input(msg("that `{name}` cursor was made for the sort {made}, not {asked}: ask for the first page "
                            "again", name=name, made=raw[0], asked=_tag(field, direction)))
    try:
        return cursor_value(raw[1], kind), cursor_value(raw[2], int)
    except ValueError:
        raise bad_input(msg("that `{name}` cursor is not one this list gave out", name=name)) from None


def sort_key(page: Page, value_of: Any) -> Any:
    """The cursor key of a row in ``page``'s sort: ``lambda row: (row.id,)`` by default, else tag, value, id."""
    if page.sort is None:
        return lambda row: (row.id,)
    tag = _tag(page.sort, page.direction)
    return lambda row: (tag, _plain(value_of(row)), row.id)


def cursor(*key: Any) -> str:
    return encode_cursor(*key)
