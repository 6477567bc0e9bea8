from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from domain.coupons import invoices, services
from domain.shared.actor import Role
from domain.shared.money import Money as DomainMoney
from schema.common.errors import UserError
from schema.common.ids import decode_id
from schema.common.money import Money
from schema.common.mutations import attempt
from schema.common.pagination import CountedConnection, counted_connection, window
from schema.common.selection import selected_paths
from schema.context import Info
from schema.coupons.types import (
    AppliedCoupon,
    CheckoutQuote,
    Coupon,
    CouponIssuerKind,
    CouponStatus,
    CouponTemplate,
    IneligibleCoupon,
    InvoiceObligation,
    issuer_gid,
)
from schema.orders.operations import CheckoutLineInput, decode_coupons, decode_lines
from schema.orders.types import PaymentMethod


def _money(value: Decimal | None, name: str) -> DomainMoney | None:
    return DomainMoney.of(value, ("input", name)) if value is not None else None


@strawberry.input
class CheckoutInput:
    shop_id: strawberry.ID
    lines: list[CheckoutLineInput]
    shipping_fee: Decimal
    payment_method: PaymentMethod
    live_room_streamer_id: str | None = None
    coupon_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="When given, quote exactly these coupons; otherwise choose the best stack.")

    def to_request(self) -> services.QuoteRequest:
        return services.QuoteRequest(
            decode_id(self.shop_id, "Shop"),
            decode_lines(self.lines),
            DomainMoney.of(self.shipping_fee, ("input", "shippingFee")),
            self.payment_method,
            self.live_room_streamer_id,
            decode_coupons(self.coupon_ids),
        )


@strawberry.input
class CreateCouponTemplateInput:
    issuer_kind: CouponIssuerKind
    name: str
    face_value: Decimal
    threshold: Decimal | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    valid_days_after_claim: int | None = None
    total_stock: int
    per_user_limit: int = 1
    new_user_only: bool = False
    shop_ids: list[strawberry.ID] | None = None
    product_ids: list[strawberry.ID] | None = None
    platform_share: Decimal | None = None

    def to_request(self) -> services.TemplateRequest:
        return services.TemplateRequest(
            issuer_kind=self.issuer_kind,
            name=self.name,
            face_value=DomainMoney.of(self.face_value, ("input", "faceValue")),
            total_stock=self.total_stock,
            per_user_limit=self.per_user_limit,
            threshold=_money(self.threshold, "threshold"),
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            valid_days_after_claim=self.valid_days_after_claim,
            new_user_only=self.new_user_only,
            shop_ids=[decode_id(i, "Shop") for i in self.shop_ids or []],
            product_ids=[decode_id(i, "Product") for i in self.product_ids or []],
            platform_share=self.platform_share,
        )


@strawberry.type
class CouponTemplatePayload:
    template: CouponTemplate | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class ClaimCouponInput:
    template_id: strawberry.ID


@strawberry.type
class ClaimCouponPayload:
    coupon: Coupon | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Wallet:
    owner_id: strawberry.Private[str]

    @strawberry.field(description="Newest claimed first; statuses as of now.")
    async def coupons(self, info: Info, status: list[CouponStatus] | None = None, first: int | None = None,
                      after: str | None = None, last: int | None = None,
                      before: str | None = None) -> CountedConnection[Coupon]:
        ctx = info.context
        window_ = window(first, after, last, before)
        now, timeout = ctx.clock.now(), ctx.policies.coupon.payment_timeout
        wanted = set(status or [])
        templates = "edges.node.template" in selected_paths(info)

        statuses = frozenset(wanted) or None

        async def read(uow):  # paged and filtered in SQL by effective status (W6, W8); counted only when asked
            rows = await uow.coupons.wallet_page(self.owner_id, statuses, now, timeout, window_)
            if templates:  # one batch, in the same read; each coupon's template then is at hand
                await ctx.loaders.prime(ctx.loaders.coupon_template_by_id,
                                        (c.template_id for c in rows[:window_.size]), uow)
            return rows

        rows = await ctx.loaders.read(read)
        return counted_connection(rows, window_, Coupon.of, lambda c: (c.id,),
                                  lambda: ctx.loaders.read(
                                      lambda uow: uow.coupons.wallet_count(self.owner_id, statuses, now, timeout)))


def quote_out(quote: services.Quote) -> CheckoutQuote:
    coupons = {c.coupon.id: c.coupon for c in quote.chosen}
    return CheckoutQuote(
        goods_total=Money.of(quote.draft.goods_total), shipping_fee=Money.of(quote.shipping_fee),
        applied=[AppliedCoupon.of(a, coupons.get(a.coupon_id)) for a in quote.stack.applied],
        discount_total=Money.of(quote.stack.total), payable=Money.of(quote.payable),
        ineligible=[IneligibleCoupon(coupon=Coupon.of(c), reasons=reasons) for c, _t, reasons in quote.ineligible],
    )


@strawberry.type
class CouponQueries:
    @strawberry.field(description="The buyer's own wallet.")
    def wallet(self, info: Info) -> Wallet:
        info.context.actor.require(Role.BUYER)
        return Wallet(owner_id=info.context.actor.user_id)

    @strawberry.field(description="W10: applicable coupons, reasons for the others, and the best stack.")
    async def checkout_quote(self, info: Info, input: CheckoutInput) -> CheckoutQuote:
        ctx = info.context
        quote = await services.checkout_quote(ctx.uow(write=False), ctx.actor, ctx.clock, ctx.policies.coupon,
                                              input.to_request())
        return quote_out(quote)

    @strawberry.field(description="W9: what the shop must invoice, per counterparty, for coupons used in [from, to), "
                                  "with what it has invoiced (W13). The shop's MERCHANT or the PLATFORM; empty for "
                                  "another shop.")
    async def invoice_obligations(self, info: Info, shop_id: strawberry.ID,
                                  from_: Annotated[datetime, strawberry.argument(name="from")],
                                  to: datetime) -> list[InvoiceObligation]:
        ctx = info.context
        found = await invoices.invoice_obligations(
            ctx.uow(write=False), ctx.actor, decode_id(shop_id, "Shop"), from_, to
        )
        return [
            InvoiceObligation(
                counterparty=o.counterparty,
                counterparty_id=issuer_gid(o.counterparty, o.counterparty_id),
                amount=Money.of(o.amount),
                coupon_count=o.coupon_count,
                invoiced=Money.of(o.invoiced),
                outstanding=Money.of(o.outstanding),
            )
            for o in found
        ]


@strawberry.type
class CouponMutations:
    @strawberry.mutation(description="PLATFORM, STREAMER (own live room) or MERCHANT (own shop).")
    async def create_coupon_template(self, info: Info, input: CreateCouponTemplateInput) -> CouponTemplatePayload:
        ctx = info.context
        return await attempt(CouponTemplatePayload, lambda: services.create_template(
            ctx.uow(), ctx.actor, ctx.clock, input.to_request()), lambda t: {"template": CouponTemplate.of(t)})

    @strawberry.mutation(description="BUYER")
    async def claim_coupon(self, info: Info, input: ClaimCouponInput) -> ClaimCouponPayload:
        ctx = info.context
        return await attempt(ClaimCouponPayload, lambda: services.claim_coupon(
            ctx.uow(), ctx.actor, ctx.clock, decode_id(input.template_id, "CouponTemplate")),
            lambda c: {"coupon": Coupon.of(c)})
