from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.reports import model
from schema.common.money import Money
from schema.context import Info
from schema.shops.types import Shop, shop_or_none

if TYPE_CHECKING:
    from schema.violations.types import ViolationCount


@strawberry.type
class StatusCount:
    status: str
    count: int


@strawberry.type
class GovernanceDay:
    date: str = strawberry.field(description="Asia/Shanghai calendar date, YYYY-MM-DD.")
    claims_submitted: int
    refunds_paid: Money
    penalties_paid: Money


@strawberry.type(description="F4: after-sales health over [from, to), for one shop or (PLATFORM, shopId omitted) the "
                             "whole platform.")
class GovernanceReport:
    from_: datetime = strawberry.field(name="from")
    to: datetime
    orders_delivered: int
    claims_submitted: int
    claims_by_status: list[StatusCount]
    claim_rate: float = strawberry.field(description="Claims not withdrawn ÷ ordersDelivered; 0 when nothing was "
                                                     "delivered (F4).")
    return_rate: float = strawberry.field(
        description="F4/A5: the period's product-return rate by the experience score's definition: orders delivered "
                    "in the period whose first after-sale counts ÷ ordersDelivered (never above 1).")
    escalation_rate: float = strawberry.field(description="Escalated ÷ submitted.")
    buyer_win_rate: float = strawberry.field(description="BUYER_WINS ÷ rulings.")
    median_merchant_response_hours: float | None = strawberry.field(
        description="Median hours from submission to the merchant's answer; null when none answered.")
    refunds_paid: Money = strawberry.field(description="Claim refunds collected from the shop(s), net of reversals.")
    penalties_paid: Money = strawberry.field(description="C6 penalties collected, net of reversals.")
    appeals_filed: int
    appeals_approved: int
    appeals_overdue: int = strawberry.field(description="Appeals due in the period and decided late or not yet.")
    coupons_used: int
    coupon_discount: Money
    per_day: list[GovernanceDay]
    violations_recorded: list[Annotated[ViolationCount, strawberry.lazy("schema.violations.types")]] = \
        strawberry.field(description="F4: violations recorded in the period, by kind (inForce: how many were "
                                     "recorded, whatever became of them).")
    report: strawberry.Private[model.GovernanceReport]

    @strawberry.field
    async def shop(self, info: Info) -> Shop | None:
        if self.report.shop_id is None:
            return None
        return shop_or_none(await info.context.loaders.shop_by_id.load(self.report.shop_id))

    @staticmethod
    def of(r: model.GovernanceReport) -> GovernanceReport:
        from domain.violations.model import ViolationKind
        from schema.violations.types import counts_of

        return GovernanceReport(
            from_=r.start, to=r.end, orders_delivered=r.orders_delivered, claims_submitted=r.claims_submitted,
            claims_by_status=[StatusCount(status=s, count=n) for s, n in sorted(r.claims_by_status.items())],
            claim_rate=r.claim_rate, return_rate=r.return_rate, escalation_rate=r.escalation_rate,
            buyer_win_rate=r.buyer_win_rate,
            median_merchant_response_hours=r.median_response_hours, refunds_paid=Money.of(r.refunds_paid),
            penalties_paid=Money.of(r.penalties_paid), appeals_filed=r.appeals_filed,
            appeals_approved=r.appeals_approved, appeals_overdue=r.appeals_overdue, coupons_used=r.coupons_used,
            coupon_discount=Money.of(r.coupon_discount),
            per_day=[GovernanceDay(date=d.date.isoformat(), claims_submitted=d.claims_submitted,
                                   refunds_paid=Money.of(d.refunds_paid), penalties_paid=Money.of(d.penalties_paid))
                     for d in r.days],
            violations_recorded=counts_of({member: r.violations_recorded.get(member.value, 0)
                                           for member in ViolationKind}),
            report=r)
