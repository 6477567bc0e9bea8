"""F2: how a list is ordered and where a page starts. A ``Page`` names its sort (a field and a direction) and the
key of the last row seen — the sort's value(s) and the id — so the next page continues exactly there."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


class SortDirection(str, Enum):
    ASC = "ASC"
    DESC = "DESC"


@dataclass(frozen=True)
class Page:
    """``sort``: the field's name, or None for the list's default (newest first by id); ``after``: the key of the
    row before this page, in the sort's terms (``(value, id)``, or ``(id,)`` for the default)."""

    limit: int
    sort: str | None = None
    direction: SortDirection = SortDirection.DESC
    after: tuple[Any, ...] | None = None

    @property
    def descending(self) -> bool:
        return self.direction is SortDirection.DESC
