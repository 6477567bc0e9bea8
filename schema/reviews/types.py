from __future__ import annotations

from datetime import datetime

import strawberry

from domain.appeals.model import AppealKind
from domain.appeals.rules import deadline, review_appealable
from domain.reviews import model
from domain.reviews.services import can_view_review
from schema.common.ids import encode_id
from schema.common.node import Node, register_node
from schema.context import Info
from schema.orders.types import Order, order_of

# Domain enums served under these names: strawberry.enum() registers each, the alias keeps it a type.
ReviewVisibility = model.ReviewVisibility
strawberry.enum(model.ReviewVisibility, name="ReviewVisibility")


@strawberry.type
class Review(Node):
    id: strawberry.ID
    rating: int
    content: str
    created_at: datetime
    visibility: ReviewVisibility
    counts_toward_score: bool
    review: strawberry.Private[model.Review]

    @strawberry.field
    async def order(self, info: Info) -> Order:
        return order_of(await info.context.loaders.order_by_id.load(self.review.order_id))

    @strawberry.field(description="A3: the last instant a REVIEW appeal may be filed (the end of the 30th natural day "
                                  "after the review's creation, Asia/Shanghai). A1: only reviews of 1–3 stars can be "
                                  "appealed at all (see appealable).")
    def appeal_deadline(self) -> datetime:
        return deadline(AppealKind.REVIEW, self.review.created_at)

    @strawberry.field(description="A1: a mid or bad review (1–3 stars), the only kind a REVIEW appeal may be filed "
                                  "against.")
    def appealable(self) -> bool:
        return review_appealable(self.review.rating)

    @staticmethod
    def of(review: model.Review) -> Review:
        return Review(
            id=encode_id("Review", review.id), rating=review.rating, content=review.content,
            created_at=review.created_at, visibility=review.visibility,
            counts_toward_score=review.counts_toward_score, review=review,
        )


async def load_review(info: Info, pk: int) -> Review | None:
    review = await info.context.loaders.review_by_id.load(pk)
    return Review.of(review) if review and can_view_review(info.context.actor, review) else None


register_node("Review", load_review)
