from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.reviews.model import Review, ReviewVisibility
from domain.shared.errors import AlreadyExists, ConcurrentUpdate, stored
from persistence.reviews.tables import ReviewRow
from persistence.shared.enums import member
from persistence.shared.errors import unique_violation_as
from persistence.shared.tables import rows_affected


class SqlReviewRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, review: Review) -> Review:
        row = ReviewRow(
            order_id=review.order_id, shop_id=review.shop_id, buyer_id=review.buyer_id, rating=review.rating,
            content=review.content, created_at=review.created_at, visibility=review.visibility.value,
            counts_toward_score=review.counts_toward_score, version=review.version,
        )
        async with unique_violation_as(AlreadyExists("that order already has a review", ("input", "orderId"))):
            self.session.add(row)
            await self.session.flush()
        review.id = row.id
        return review

    async def get_many(self, ids: list[int]) -> dict[int, Review]:
        if not ids:
            return {}
        rows = await self.session.execute(select(ReviewRow).where(col(ReviewRow.id).in_(set(ids))))
        return {
            stored(r.id): Review(r.order_id, r.shop_id, r.buyer_id, r.rating, r.content, r.created_at,
                         member(ReviewVisibility, r.visibility), r.counts_toward_score, r.version, r.id)
            for r in rows.scalars()
        }

    async def update(self, review: Review) -> None:
        result = await self.session.execute(
            update(ReviewRow).where(col(ReviewRow.id) == review.id, col(ReviewRow.version) == review.version)
            .values(version=review.version + 1, visibility=review.visibility.value,
                    counts_toward_score=review.counts_toward_score))
        if rows_affected(result) != 1:
            raise ConcurrentUpdate("review")
        review.version += 1
