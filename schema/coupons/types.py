from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.coupons import model
from domain.coupons.pricing import Ineligibility
from domain.shared.actor import Role as DomainRole
from domain.shared.errors import present
from schema.common.ids import encode_id
from schema.common.money import Money
from schema.common.node import Node, register_node
from schema.context import Info

if TYPE_CHECKING:
    from schema.coupons.campaigns import Campaign
    from schema.orders.types import Order

# Domain enums served under these names: strawberry.enum() registers each, the alias keeps it a type.
CouponIssuerKind = model.IssuerKind
strawberry.enum(model.IssuerKind, name="CouponIssuerKind")
CouponStatus = model.CouponStatus
strawberry.enum(model.CouponStatus, name="CouponStatus")
CouponIneligibility = Ineligibility
strawberry.enum(Ineligibility, name="CouponIneligibility")
CouponOrigin = model.CouponOrigin
strawberry.enum(model.CouponOrigin, name="CouponOrigin", description="W12: how a coupon came into its owner's wallet.")


def issuer_gid(kind: model.IssuerKind, issuer_id: str | None) -> str | None:
    """Contract: a Shop ID for MERCHANT, the streamer's user ID for STREAMER, null for the platform."""
    return encode_id("Shop", int(issuer_id)) if kind is model.IssuerKind.MERCHANT and issuer_id else issuer_id


@strawberry.type
class CouponTemplate(Node):
    id: strawberry.ID
    issuer_kind: CouponIssuerKind
    issuer_id: str | None = strawberry.field(description="Shop ID for MERCHANT, streamer user ID for STREAMER, "
                                                          "null for PLATFORM.")
    name: str
    face_value: Money
    threshold: Money | None
    valid_from: datetime | None
    valid_until: datetime | None
    valid_days_after_claim: int | None
    total_stock: int
    claimed_count: int
    per_user_limit: int
    new_user_only: bool
    shop_ids: list[strawberry.ID] = strawberry.field(description="Empty lists mean no restriction on that axis.")
    product_ids: list[strawberry.ID]
    platform_share: Decimal = strawberry.field(
        description="Share of a PLATFORM coupon's cost borne by the platform, 0..1; the rest by the shop. A "
                    "campaign's template is split by each shop's sign-up instead (W11).")
    campaign_id: strawberry.Private[int | None] = None

    @strawberry.field(description="W11: the campaign it belongs to, if any and if the viewer may read it.")
    async def campaign(self, info: Info) -> Annotated[Campaign, strawberry.lazy("schema.coupons.campaigns")] | None:
        from schema.coupons.campaigns import load_campaign

        return await load_campaign(info, self.campaign_id) if self.campaign_id is not None else None

    @staticmethod
    def of(t: model.CouponTemplate) -> CouponTemplate:
        return CouponTemplate(
            id=encode_id("CouponTemplate", t.id),
            issuer_kind=t.issuer_kind,
            issuer_id=issuer_gid(t.issuer_kind, t.issuer_id),
            name=t.name,
            face_value=Money.of(t.face_value),
            threshold=Money.of(t.threshold) if t.threshold else None,
            valid_from=t.valid_from,
            valid_until=t.valid_until,
            valid_days_after_claim=t.valid_days_after_claim,
            total_stock=t.total_stock,
            claimed_count=t.claimed_count,
            per_user_limit=t.per_user_limit,
            new_user_only=t.new_user_only,
            shop_ids=[encode_id("Shop", i) for i in sorted(t.shop_ids)],
            product_ids=[encode_id("Product", i) for i in sorted(t.product_ids)],
            platform_share=t.platform_share,
            campaign_id=t.campaign_id,
        )


@strawberry.type
class Coupon(Node):
    id: strawberry.ID
    owner_id: str
    claimed_at: datetime
    valid_from: datetime
    valid_until: datetime
    origin: CouponOrigin = strawberry.field(description="W12: CLAIMED by its owner or ISSUED to them.")
    coupon: strawberry.Private[model.Coupon]

    @strawberry.field(description="As of now: a lock past the payment timeout reads AVAILABLE, a coupon past its "
                                  "window EXPIRED (W6, W7).")
    def status(self, info: Info) -> CouponStatus:
        return self.coupon.effective_status(info.context.clock.now(), info.context.policies.coupon.payment_timeout)

    @strawberry.field
    def template(self, info: Info) -> CouponTemplate:
        return info.context.loaders.then(
            info.context.loaders.coupon_template_by_id, self.coupon.template_id, template_of
        )

    @strawberry.field(description="The order that locked or used it, if the viewer may see that order.")
    async def order(self, info: Info) -> Annotated[Order, strawberry.lazy("schema.orders.types")] | None:
        from schema.orders.types import load_order

        return await load_order(info, self.coupon.order_id) if self.coupon.order_id else None

    @staticmethod
    def of(c: model.Coupon) -> Coupon:
        return Coupon(id=encode_id("Coupon", c.id), owner_id=c.owner_id, claimed_at=c.claimed_at,
                      valid_from=c.valid_from, valid_until=c.valid_until, origin=c.origin, coupon=c)


@strawberry.type
class CostShare:
    bearer: CouponIssuerKind
    bearer_id: str | None = strawberry.field(description="Shop ID, streamer user ID, or null for the platform.")
    amount: Money

    @staticmethod
    def of(share: model.CostShare) -> CostShare:
        return CostShare(bearer=share.bearer, bearer_id=issuer_gid(share.bearer, share.bearer_id),
                         amount=Money.of(share.amount))


@strawberry.type
class AppliedCoupon:
    amount: Money
    cost_shares: list[CostShare]
    applied: strawberry.Private[model.AppliedCoupon]
    loaded: strawberry.Private[model.Coupon | None] = None

    @strawberry.field
    async def coupon(self, info: Info) -> Coupon:
        coupon = self.loaded or await info.context.loaders.coupon_by_id.load(self.applied.coupon_id)
        return Coupon.of(present(coupon, "the applied coupon"))

    @staticmethod
    def of(applied: model.AppliedCoupon, loaded: model.Coupon | None = None) -> AppliedCoupon:
        return AppliedCoupon(amount=Money.of(applied.amount), cost_shares=[CostShare.of(s) for s in applied.shares],
                             applied=applied, loaded=loaded)


@strawberry.type
class IneligibleCoupon:
    coupon: Coupon
    reasons: list[CouponIneligibility]


@strawberry.type
class CheckoutQuote:
    goods_total: Money
    shipping_fee: Money
    applied: list[AppliedCoupon]
    discount_total: Money
    payable: Money
    ineligible: list[IneligibleCoupon]


@strawberry.type
class InvoiceObligation:
    counterparty: CouponIssuerKind = strawberry.field(description="PLATFORM or STREAMER.")
    counterparty_id: str | None
    amount: Money = strawberry.field(description="W9: owed for coupons used (not returned) in the period.")
    coupon_count: int
    invoiced: Money = strawberry.field(description="W13: invoices recorded, not voided, for the months starting in "
                                                   "the period (ask whole months to reconcile exactly).")
    outstanding: Money = strawberry.field(description="amount − invoiced; below zero when a coupon was returned "
                                                      "after it was invoiced (void and issue again).")


async def load_template(info: Info, pk: int) -> CouponTemplate | None:
    template = await info.context.loaders.coupon_template_by_id.load(pk)
    return CouponTemplate.of(template) if template else None


async def load_coupon(info: Info, pk: int) -> Coupon | None:
    coupon = await info.context.loaders.coupon_by_id.load(pk)
    actor = info.context.actor
    if coupon is None:
        return None
    visible = actor.role is DomainRole.PLATFORM or (actor.role is DomainRole.BUYER and actor.user_id == coupon.owner_id)
    return Coupon.of(coupon) if visible else None


register_node("CouponTemplate", load_template)
register_node("Coupon", load_coupon)


def template_of(template: model.CouponTemplate | None) -> CouponTemplate:
    """A coupon's template (a foreign key guarantees it)."""
    return CouponTemplate.of(present(template, "a coupon's template"))
