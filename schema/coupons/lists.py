"""F3: the coupon centre and the issuers' template lists."""

from __future__ import annotations

import strawberry

from domain.coupons import centre
from schema.common.ids import decode_id
from schema.common.pagination import CountedConnection, newest_first, window
from schema.context import Info
from schema.coupons.types import CouponIssuerKind, CouponTemplate


@strawberry.input
class CouponTemplateFilter:
    issuer_kind: list[CouponIssuerKind] | None = None
    claimable: bool | None = strawberry.field(
        default=None, description="F3 BUYER: only templates this buyer may claim now (in stock, under the per-user "
                                  "limit, valid, new-user fits).")
    shop_id: strawberry.ID | None = None
    product_id: strawberry.ID | None = strawberry.field(
        default=None, description="F3: what a product page shows: merchant and platform coupons in scope, valid now "
                                  "and in stock; never streamer coupons (see liveRoomStreamerId).")
    live_room_streamer_id: strawberry.ID | None = strawberry.field(
        default=None, description="F3: a live room's coupons (streamer coupons apply only there): the streamer's, "
                                  "valid now and in stock.")


@strawberry.type
class CouponTemplateListQueries:
    @strawberry.field(description="F3: the coupon centre (BUYER) and the issuer's own templates (MERCHANT, STREAMER, "
                                  "PLATFORM).")
    async def coupon_templates(self, info: Info, filter: CouponTemplateFilter | None = None, first: int | None = None,
                               after: str | None = None, last: int | None = None,
                               before: str | None = None) -> CountedConnection[CouponTemplate]:
        wanted, ctx = filter or CouponTemplateFilter(), info.context
        request = centre.CentreRequest(
            frozenset(wanted.issuer_kind) if wanted.issuer_kind else None, wanted.claimable,
            decode_id(wanted.shop_id, "Shop") if wanted.shop_id is not None else None, wanted.shop_id is not None,
            decode_id(wanted.product_id, "Product") if wanted.product_id is not None else None,
            wanted.product_id is not None,
            str(wanted.live_room_streamer_id) if wanted.live_room_streamer_id is not None else None)
        actor, now = ctx.actor, ctx.clock.now()
        return await newest_first(
            ctx.loaders.read, window(first, after, last, before),
            lambda uow, page: centre.template_page(uow, actor, now, request, page),
            CouponTemplate.of, lambda uow: centre.count_templates(uow, actor, now, request))
