from __future__ import annotations

from typing import Protocol

from domain.reviews.model import Review


class ReviewRepository(Protocol):
    async def add(self, review: Review) -> Review:
        """Raises ``AlreadyExists`` when the order already has a review (a unique constraint decides)."""
        ...

    async def get_many(self, ids: list[int]) -> dict[int, Review]: ...

    async def update(self, review: Review) -> None:
        """Conditional on ``version``; raises ``ConcurrentUpdate`` on a lost race."""
        ...
