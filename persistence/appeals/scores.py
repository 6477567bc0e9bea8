"""A6's counters on SQL: one row per shop, changed by ``UPDATE … SET n = n + :d`` (concurrent changes add up
without a read), read in one batch by shop."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.appeals.ports import ShopScoreFacts
from persistence.appeals.tables import ShopScoreRow
from persistence.shared.keys import ByKeys, Rows
from persistence.shared.tables import table

SCORES = table(ShopScoreRow)
_ROWS = Rows(SCORES)
_BY_SHOP = ByKeys(lambda match: select(SCORES).where(match(SCORES.c.shop_id)))


class SqlScoreRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def create(self, shop_id: int) -> None:
        await self.session.execute(insert(SCORES).values(shop_id=shop_id, rating_sum=0, counted_reviews=0,
                                                         counted_claims=0, delivered_orders=0))

    async def add(self, shop_id: int, *, rating_sum: int = 0, counted_reviews: int = 0, counted_claims: int = 0,
                  delivered_orders: int = 0) -> None:
        c = SCORES.c
        await self.session.execute(update(SCORES).where(c.shop_id == shop_id).values(
            rating_sum=c.rating_sum + rating_sum, counted_reviews=c.counted_reviews + counted_reviews,
            counted_claims=c.counted_claims + counted_claims, delivered_orders=c.delivered_orders + delivered_orders))

    async def facts(self, shop_ids: list[int]) -> dict[int, ShopScoreFacts]:
        if not shop_ids:
            return {}
        rows = _ROWS(await _BY_SHOP.rows(self.session, set(shop_ids)))
        found = {r.shop_id: ShopScoreFacts(r.rating_sum, r.counted_reviews, r.counted_claims, r.delivered_orders)
                 for r in rows}
        return {s: found.get(s, ShopScoreFacts(0, 0, 0, 0)) for s in shop_ids}


async def recount(session: AsyncSession) -> dict[int, ShopScoreFacts]:
    """The counters as the rows say they should be (for reconciliation): every shop's."""
    from sqlalchemy import func

    from persistence.claims.tables import ClaimRow
    from persistence.orders.tables import OrderRow
    from persistence.reviews.tables import ReviewRow
    from persistence.shops.tables import ShopRow

    reviews, claims, orders, shops = table(ReviewRow), table(ClaimRow), table(OrderRow), table(ShopRow)
    rated = {s: (int(total or 0), n) for s, total, n in await session.execute(
        select(reviews.c.shop_id, func.sum(reviews.c.rating), func.count())
        .where(reviews.c.counts_toward_score.is_(True)).group_by(reviews.c.shop_id))}
    claimed: dict[int, int] = dict((await session.execute(select(claims.c.shop_id, func.count()).where(
        claims.c.counts_toward_return_rate.is_(True)).group_by(claims.c.shop_id))).all())
    delivered: dict[int, int] = dict((await session.execute(select(orders.c.shop_id, func.count()).where(
        orders.c.signed_at.is_not(None)).group_by(orders.c.shop_id))).all())
    return {s: ShopScoreFacts(rated.get(s, (0, 0))[0], rated.get(s, (0, 0))[1], claimed.get(s, 0),
                              delivered.get(s, 0))
            for s in (await session.execute(select(shops.c.id))).scalars()}
