"""W12: targeted issuance."""

from __future__ import annotations

import strawberry

from domain.coupons import issuance
from schema.common.errors import ErrorCode, UserError
from schema.common.ids import decode_id
from schema.common.mutations import attempt
from schema.context import Info
from schema.coupons.types import Coupon


@strawberry.input
class IssueCouponsInput:
    template_id: strawberry.ID
    buyer_ids: list[str] = strawberry.field(description="Up to 1,000, each once.")


@strawberry.type(description="W12: one buyer's outcome.")
class CouponIssueResult:
    buyer_id: str
    coupon: Coupon | None = strawberry.field(description="The coupon granted; null when refused.")
    refusal: ErrorCode | None = strawberry.field(description="Why this buyer got none: COUPON_OUT_OF_STOCK, "
                                                             "COUPON_CLAIM_LIMIT_REACHED or COUPON_NOT_APPLICABLE "
                                                             "(the window has ended, or new-user only).")


@strawberry.type
class IssueCouponsPayload:
    results: list[CouponIssueResult] = strawberry.field(default_factory=list,
                                                        description="One per buyer, in the order given.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _results(outcomes: list[issuance.Issued]) -> dict:
    return {"results": [CouponIssueResult(buyer_id=o.buyer_id, coupon=Coupon.of(o.coupon) if o.coupon else None,
                                          refusal=o.refusal) for o in outcomes]}


@strawberry.type
class IssuanceMutations:
    @strawberry.mutation(description="W12: the template's issuer grants its coupons to chosen buyers (one "
                                     "transaction; idempotent under Idempotency-Key).")
    async def issue_coupons(self, info: Info, input: IssueCouponsInput) -> IssueCouponsPayload:
        ctx = info.context
        return await attempt(IssueCouponsPayload, lambda: issuance.issue_coupons(
            ctx.uow(), ctx.actor, ctx.clock, decode_id(input.template_id, "CouponTemplate"), input.buyer_ids),
            _results)
