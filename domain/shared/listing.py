"""F2/H3: how a list is ordered and which window of it a page is. A ``Page`` names its sort (a field and a
direction) and the keys that bound it — the sort's value(s) and the id of the rows just outside — so the next page
(or the previous one) continues exactly there."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")


class SortDirection(str, Enum):
    ASC = "ASC"
    DESC = "DESC"


@dataclass(frozen=True)
class Page:
    """``limit``: how many rows to read, the page's size and one more (which tells whether more lie beyond);
    ``sort``: the field's name, or None for the list's default order; ``after``/``before``: the keys of the rows
    just outside the page, in the sort's terms (``(value, id)``, or ``(id,)`` for the default); ``backward``: the
    page is the *last* rows before ``before`` (or of the list), so they are read from that end (H3)."""

    limit: int
    sort: str | None = None
    direction: SortDirection = SortDirection.DESC
    after: tuple[Any, ...] | None = None
    before: tuple[Any, ...] | None = None
    backward: bool = False

    @property
    def descending(self) -> bool:
        return self.direction is SortDirection.DESC

    @property
    def size(self) -> int:
        return self.limit - 1

    def reads_descending(self, descending: bool) -> bool:
        """The order rows are read in, for a list shown ``descending``: reversed for a backward page."""
        return descending != self.backward

    def rows_in_order(self, rows: list[Any]) -> tuple[list[Any], bool]:
        """The page's rows in the list's order, from the rows read (up to ``limit``), and whether more lie beyond
        them in the direction read."""
        kept = rows[:self.size]
        return (kept[::-1] if self.backward else kept), len(rows) > self.size


def window_of(items: Iterable[T], key: Callable[[T], tuple[Any, ...]], descending: bool, page: Page) -> list[T]:
    """``page`` of a list held in memory, ordered by ``key`` (``descending`` or not), in the order read — what a
    repository's keyset window reads in SQL."""
    def inside(item: T) -> bool:
        k = key(item)
        if page.after is not None and not (k < page.after if descending else k > page.after):
            return False
        return page.before is None or (k > page.before if descending else k < page.before)

    ordered = sorted((item for item in items if inside(item)), key=key, reverse=page.reads_descending(descending))
    return ordered[:page.limit]
