from __future__ import annotations

from typing import Any

from sqlalchemy import exists, false, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.appeals.model import AppealKind
from domain.appeals.rules import APPEALABLE_RATING
from domain.reviews.model import Review, ReviewVisibility
from domain.reviews.ports import ReviewQuery
from domain.shared.errors import AlreadyExists, ConcurrentUpdate, stored
from domain.shared.listing import Page
from persistence.appeals.tables import AppealRow
from persistence.reviews.tables import ReviewRow
from persistence.shared import keyset
from persistence.shared.enums import member
from persistence.shared.errors import unique_violation_as
from persistence.shared.tables import rows_affected, table

REVIEWS, APPEALS = table(ReviewRow), table(AppealRow)


def _filtered(query: Any, q: ReviewQuery) -> Any:
    if q.nothing:
        return query.where(false())
    if q.shop_id is not None:
        query = query.where(REVIEWS.c.shop_id == q.shop_id)
    if q.buyer_id is not None:
        query = query.where(REVIEWS.c.buyer_id == q.buyer_id)
    if q.ratings:
        query = query.where(REVIEWS.c.rating.in_(sorted(q.ratings)))
    if q.visibilities:
        query = query.where(REVIEWS.c.visibility.in_(sorted(v.value for v in q.visibilities)))
    appealed = exists().where(APPEALS.c.kind == AppealKind.REVIEW.value, APPEALS.c.subject_id == REVIEWS.c.id)
    mid_or_bad = REVIEWS.c.rating <= APPEALABLE_RATING  # A1: 4–5 stars are never appealable
    if q.appealable_since is not None:
        query = query.where(REVIEWS.c.created_at >= q.appealable_since, mid_or_bad, ~appealed)
    if q.not_appealable_since is not None:
        query = query.where((REVIEWS.c.created_at < q.not_appealable_since) | ~mid_or_bad | appealed)
    return query


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

    async def page(self, q: ReviewQuery, page: Page) -> list[Review]:
        ids = await keyset.id_page(self.session, _filtered(select(REVIEWS.c.id), q), REVIEWS.c.id, page)
        found = await self.get_many(ids)
        return [found[i] for i in ids if i in found]

    async def count(self, q: ReviewQuery) -> int:
        return (await self.session.execute(_filtered(select(func.count()).select_from(REVIEWS), q))).scalar_one()

    async def update(self, review: Review) -> None:
        result = await self.session.execute(
            update(ReviewRow).where(col(ReviewRow.id) == review.id, col(ReviewRow.version) == review.version)
            .values(version=review.version + 1, visibility=review.visibility.value,
                    counts_toward_score=review.counts_toward_score))
        if rows_affected(result) != 1:
            raise ConcurrentUpdate("review")
        review.version += 1
