"""Keyset cursor connections (contract: ``first`` at most 100): one generic ``Connection[T]`` / ``Edge[T]`` and one
page helper for every list. The served names are Strawberry's for a generic: ``ClaimConnection``, ``ClaimEdge`` …
H3: every list pages both ways with Relay's arguments: ``first``/``after`` forward, ``last``/``before`` backward
(``window`` turns them into the ``Page`` a repository reads)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

import strawberry

from domain.shared.listing import Page
from domain.shared.messages import msg
from domain.shared.text import is_clean_text
from schema.common.errors import bad_input
from schema.common.ids import MAX_KEY, decode_cursor, encode_cursor

DEFAULT_PAGE = 20
MAX_PAGE = 100
T = TypeVar("T")  # the node's GraphQL type
R = TypeVar("R")  # what a list read returns: a domain object, or a tuple of one with its sort key


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(name="Edge")
class Edge(Generic[T]):
    node: T
    key: strawberry.Private[tuple[object, ...]]  # the row's sort key, which its cursor carries

    @strawberry.field
    def cursor(self) -> str:
        """Written when asked for: most lists never select it (a page of 50 claims wrote 50 cursors for nothing)."""
        return encode_cursor(*self.key)


@strawberry.type(name="Connection")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo


@strawberry.type(name="Connection")
class CountedConnection(Connection[T]):
    """A connection that also counts everything its filter matches (the same ``<T>Connection`` name). The count
    is a query of its own, run only when ``totalCount`` is selected."""

    counter: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items the filter matches, over all pages (counted only when asked for).")
    async def total_count(self) -> int:
        return await self.counter()


def page(rows: Sequence[R], window: Page, node: Callable[[R], T], key: Callable[[R], tuple[object, ...]],
         more: bool | None = None) -> tuple[list[Edge[T]], PageInfo]:
    """The edges and page info of a keyset page: ``rows`` is what the list read for ``window``, in the order read,
    up to ``window.limit`` (one more than the page says whether more lie beyond, unless the read says so itself:
    ``more``); ``key`` is the row's sort key, which its cursor carries."""
    kept, beyond = window.rows_in_order(list(rows))
    beyond = beyond if more is None else more
    edges = [Edge(node=node(row), key=key(row)) for row in kept]
    cursors = [encode_cursor(*edges[0].key), encode_cursor(*edges[-1].key)] if edges else []
    if window.backward:  # Relay: hasNextPage says whether a `before` was given, as hasPreviousPage does `after`
        return edges, page_info(cursors, window.before is not None, beyond)
    return edges, page_info(cursors, beyond, window.after is not None)


def connection(rows: Sequence[R], window: Page, node: Callable[[R], T], key: Callable[[R], tuple[object, ...]],
               more: bool | None = None) -> Connection[T]:
    edges, info = page(rows, window, node, key, more)
    return Connection(edges=edges, page_info=info)


def counted_connection(rows: Sequence[R], window: Page, node: Callable[[R], T],
                       key: Callable[[R], tuple[object, ...]],
                       total: int | Callable[[], Awaitable[int]]) -> CountedConnection[T]:
    """``total``: the count, or how to count (run only if ``totalCount`` is selected)."""
    edges, info = page(rows, window, node, key)
    counter = total if callable(total) else _known(total)
    return CountedConnection(edges=edges, page_info=info, counter=counter)


async def newest_first(read: Callable[[Callable[[Any], Awaitable[Any]]], Awaitable[Any]], window: Page,
                       page: Callable[[Any, Page], Awaitable[Sequence[R]]], node: Callable[[R], T],
                       count: Callable[[Any], Awaitable[int]]) -> CountedConnection[T]:
    """A list paged newest first by id: ``page(uow, window)`` reads the window, ``count(uow)`` runs only if
    ``totalCount`` is asked for; ``read`` is the request's loaders' reader."""
    rows = await read(lambda uow: page(uow, window))
    return counted_connection(rows, window, node, lambda row: (row.id,), lambda: read(count))


def _known(total: int) -> Callable[[], Awaitable[int]]:
    async def count() -> int:
        return total

    return count


def page_size(first: int | None, name: str = "first") -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 1 <= first <= MAX_PAGE:
        raise bad_input(msg("{name} must be between 1 and {max}", name=name, max=MAX_PAGE))
    return first


def window(first: int | None, after: str | None, last: int | None = None, before: str | None = None,
           kinds: tuple[type, ...] = (int,)) -> Page:
    """H3: the ``Page`` Relay's arguments ask for, in a list's default order (its cursors carry ``kinds``).
    ``first`` and ``last`` together are refused, as GitHub's and Shopify's APIs refuse them."""
    size = page_size_of(first, last)
    return Page(size + 1, after=_tuple(after_key(after, kinds)), before=_tuple(after_key(before, kinds, "before")),
                backward=last is not None)


def page_size_of(first: int | None, last: int | None) -> int:
    if first is not None and last is not None:
        raise bad_input("pass `first` or `last`, not both")
    return page_size(last, "last") if last is not None else page_size(first)


def _tuple(key: list | None) -> tuple[Any, ...] | None:
    return None if key is None else tuple(key)


def cursor_value(value: Any, kind: type) -> Any:
    """One value of a cursor's key as ``kind`` (``int`` within BIGINT, a NUL-free ``str``, an aware ``datetime``
    from its ISO text); ``ValueError`` for anything else: a forged cursor never reaches SQL."""
    if kind is int and type(value) is int and -MAX_KEY - 1 <= value <= MAX_KEY:
        return value
    if kind is str and isinstance(value, str) and is_clean_text(value):
        return value
    if kind is datetime and isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is not None:
            return parsed
    raise ValueError(f"not a cursor value of {kind.__name__}")


def after_key(after: str | None, kinds: tuple[type, ...] = (int,), name: str = "after") -> list | None:
    """The sort key a cursor carries, typed by ``kinds``, or None without a cursor; a cursor that does not decode
    to those kinds is an error (``name``: the argument it came in)."""
    return None if after is None else typed_key(decode_cursor(after), kinds, name)


def typed_key(raw: list | None, kinds: tuple[type, ...], name: str = "after") -> list:
    """A decoded cursor's values as ``kinds`` (one each); anything else is ``BAD_USER_INPUT``."""
    try:
        if not raw:
            raise ValueError("no key")
        return [cursor_value(value, kind) for value, kind in zip(raw, kinds, strict=True)]
    except ValueError:
        raise bad_input(msg("that `{name}` cursor is not one this list gave out", name=name)) from None


def page_info(cursors: list[str], has_next: bool, has_previous: bool) -> PageInfo:
    return PageInfo(
        has_next_page=has_next, has_previous_page=has_previous,
        start_cursor=cursors[0] if cursors else None, end_cursor=cursors[-1] if cursors else None,
    )


__all__ = ["Connection", "CountedConnection", "Edge", "PageInfo", "after_key", "connection", "counted_connection",
           "encode_cursor", "page_info", "page_size", "window"]
