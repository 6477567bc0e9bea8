from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from domain.appeals.model import AppealKind
from domain.appeals.rules import earliest_open
from domain.events.model import Event, EventType
from domain.orders.model import OrderStatus
from domain.reviews.model import Review, ReviewVisibility
from domain.reviews.ports import ReviewQuery
from domain.shared.actor import Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import Forbidden, InvalidInput, InvalidState, NotFound, stored
from domain.shared.ids import global_id
from domain.shared.text import bounded_text
from domain.shared.uow import UnitOfWork, in_transaction

MAX_CONTENT = 2000


async def record_review(
    uow: UnitOfWork, actor: Actor, clock: Clock, *, order_id: int | None, rating: int, content: str,
    created_at: datetime | None,
) -> Review:
    """SERVICE reports the buyer's review of a delivered order: one per order, rating 1–5."""
    actor.require(Role.SERVICE)
    now = clock.now()
    if not 1 <= rating <= 5:
        raise InvalidInput("a rating is 1 to 5", ("input", "rating"))
    text = bounded_text(content, field=("input", "content"), max_len=MAX_CONTENT)
    at = created_at or now
    if at > now:
        raise InvalidInput("that moment is in the future", ("input", "createdAt"))
    async def work(uow: UnitOfWork) -> Review:
        order = await uow.orders.get(order_id) if order_id is not None else None
        if order is None:
            raise NotFound("no such order", ("input", "orderId"))
        if order.status is not OrderStatus.DELIVERED:
            raise InvalidState("only a delivered order can be reviewed", ("input", "orderId"))
        if order.signed_at is None or at < order.signed_at:
            raise InvalidInput("a review cannot precede the sign-off", ("input", "createdAt"))
        review = Review(stored(order.id), order.shop_id, order.buyer_id, rating, text, at, ReviewVisibility.PUBLIC)
        await uow.reviews.add(review)
        await uow.scores.add(review.shop_id, rating_sum=review.rating, counted_reviews=1)
        await uow.events.record(Event.of(EventType.REVIEW_RECORDED, "Review", review.id, actor, now,
                                         shop_id=review.shop_id, buyer_id=review.buyer_id,
                                         reviewId=global_id("Review", review.id), rating=review.rating,
                                         orderId=global_id("Order", review.order_id)))
        return review

    return await in_transaction(uow, work)


def can_view_review(actor: Actor, review: Review) -> bool:
    """Reviews appear here as subjects of after-sales governance (A1), so they are seen by whoever may see the
    reviewed order: its author, the shop's staff, the platform and the services (decision). Whether the public
    storefront shows it is ``visibility`` (A5), not this API's read rule."""
    if actor.role in (Role.PLATFORM, Role.SERVICE):
        return True
    return actor.user_id == review.buyer_id if actor.role is Role.BUYER else actor.acts_for_shop(review.shop_id)


def reviews_scope(actor: Actor, shop_id: int | None, shop_given: bool, ratings: list[int] | None,
                  visibilities: list[ReviewVisibility] | None, appealable: bool | None, now: datetime) -> ReviewQuery:
    """F1: the reviews of orders the viewer may read (``can_view_review``); ``appealable``: a mid or bad review (A1,
    1–3 stars), A3's window still open and no REVIEW appeal filed on it yet (or, false, the others)."""
    opened = earliest_open(AppealKind.REVIEW, now)
    wanted = ReviewQuery(shop_id=shop_id, ratings=frozenset(ratings) if ratings else None,
                         visibilities=frozenset(visibilities) if visibilities else None,
                         appealable_since=opened if appealable else None,
                         not_appealable_since=opened if appealable is False else None,
                         nothing=shop_given and shop_id is None)
    if actor.role in (Role.PLATFORM, Role.SERVICE):
        return wanted
    if actor.role is Role.BUYER:
        return replace(wanted, buyer_id=actor.user_id)
    if actor.role in (Role.MERCHANT, Role.AGENT):
        return replace(wanted, shop_id=actor.shop, nothing=wanted.nothing or shop_given and shop_id != actor.shop)
    raise Forbidden("reviews are listed for the parties of their orders and the platform")
