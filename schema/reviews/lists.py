"""F1: the reviews list."""

from __future__ import annotations

import strawberry

from domain.reviews.services import reviews_scope
from schema.common.ids import decode_id
from schema.common.pagination import CountedConnection, newest_first, window
from schema.context import Info
from schema.reviews.types import Review, ReviewVisibility


@strawberry.input
class ReviewFilter:
    shop_id: strawberry.ID | None = None
    ratings: list[int] | None = strawberry.field(default=None, description="Ratings to include, e.g. [1, 2, 3] for "
                                                                            "mid and bad reviews.")
    visibility: list[ReviewVisibility] | None = None
    appealable: bool | None = strawberry.field(default=None, description="A1/A3: a mid or bad review (1–3 stars), "
                                                                         "the REVIEW appeal window is still open and "
                                                                         "no appeal was filed on it.")


@strawberry.type
class ReviewListQueries:
    @strawberry.field(description="F1: reviews of orders the viewer may read; newest first.")
    async def reviews(self, info: Info, filter: ReviewFilter | None = None, first: int | None = None,
                      after: str | None = None, last: int | None = None,
                      before: str | None = None) -> CountedConnection[Review]:
        wanted, ctx = filter or ReviewFilter(), info.context
        shop_id = decode_id(wanted.shop_id, "Shop") if wanted.shop_id is not None else None
        query = reviews_scope(ctx.actor, shop_id, wanted.shop_id is not None, wanted.ratings, wanted.visibility,
                              wanted.appealable, ctx.clock.now())
        return await newest_first(ctx.loaders.read, window(first, after, last, before),
                                  lambda uow, page: uow.reviews.page(query, page), Review.of,
                                  lambda uow: uow.reviews.count(query))
