from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.reviews.model import Review, ReviewVisibility
from domain.shared.listing import Page


@dataclass(frozen=True)
class ReviewQuery:
    """F1: reviews of orders the viewer may read, narrowed by the filter. ``appealable_since``: only reviews created
    at or after it (A3's window still open) and not yet appealed."""

    shop_id: int | None = None
    buyer_id: str | None = None
    ratings: frozenset[int] | None = None
    visibilities: frozenset[ReviewVisibility] | None = None
    appealable_since: datetime | None = None
    not_appealable_since: datetime | None = None
    nothing: bool = False


class ReviewRepository(Protocol):
    async def add(self, review: Review) -> Review:
        """Raises ``AlreadyExists`` when the order already has a review (a unique constraint decides)."""
        ...

    async def get_many(self, ids: list[int]) -> dict[int, Review]: ...

    async def page(self, query: ReviewQuery, page: Page) -> list[Review]:
        """Newest first."""
        ...

    async def count(self, query: ReviewQuery) -> int: ...

    async def update(self, review: Review) -> None:
        """Conditional on ``version``; raises ``ConcurrentUpdate`` on a lost race."""
        ...
