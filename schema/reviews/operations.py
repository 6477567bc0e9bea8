from __future__ import annotations

from datetime import datetime

import strawberry

from domain.reviews import services
from schema.common.errors import UserError
from schema.common.ids import decode_id
from schema.common.mutations import attempt
from schema.context import Info
from schema.reviews.types import Review


@strawberry.input
class RecordReviewInput:
    order_id: strawberry.ID
    rating: int
    content: str
    created_at: datetime | None = None


@strawberry.type
class RecordReviewPayload:
    review: Review | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ReviewMutations:
    @strawberry.mutation(description="SERVICE: a buyer review of a delivered order (one per order).")
    async def record_review(self, info: Info, input: RecordReviewInput) -> RecordReviewPayload:
        ctx = info.context
        return await attempt(
            RecordReviewPayload,
            lambda: services.record_review(
                ctx.uow(), ctx.actor, ctx.clock, order_id=decode_id(input.order_id, "Order"), rating=input.rating,
                content=input.content, created_at=input.created_at,
            ),
            lambda review: {"review": Review.of(review)},
        )
