from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from domain.appeals import model
from domain.appeals.model import can_view_appeal
from domain.appeals.services import experience_score
from domain.shared.errors import present
from schema.appeals.kinds import AppealKind
from schema.claims.types import Claim, Evidence, load_claim
from schema.common.ids import encode_id
from schema.common.node import Node, register_node
from schema.context import Info
from schema.reviews.types import Review, load_review
from schema.shops.types import Shop, shop_of

# Domain enums served under these names: strawberry.enum() registers each, the alias keeps it a type.
ReviewAppealGround = model.ReviewAppealGround
strawberry.enum(model.ReviewAppealGround, name="ReviewAppealGround")
AppealStatus = model.AppealStatus
strawberry.enum(model.AppealStatus, name="AppealStatus")
ReviewAppealOutcome = model.ReviewAppealOutcome
strawberry.enum(model.ReviewAppealOutcome, name="ReviewAppealOutcome")
AppealRestrictionMode = model.RestrictionMode
strawberry.enum(model.RestrictionMode, name="AppealRestrictionMode")
from schema.violations.types import Violation, load_violation  # noqa: E402

AppealSubject = Annotated[Review | Claim | Violation, strawberry.union("AppealSubject")]


@strawberry.type
class Appeal(Node):
    id: strawberry.ID
    kind: AppealKind
    status: AppealStatus
    ground: ReviewAppealGround | None
    statement: str
    submitted_at: datetime
    due_at: datetime = strawberry.field(description="A4: end of the third working day after submission.")
    due_at_estimated: bool = strawberry.field(description="True when dueAt came from the Monday–Friday fallback (G4).")
    decided_at: datetime | None
    decision_note: str | None
    review_outcomes: list[ReviewAppealOutcome]
    evidence_anomaly: bool
    appeal: strawberry.Private[model.Appeal]

    @strawberry.field(description="A4: pending and past dueAt.")
    def overdue(self, info: Info) -> bool:
        return self.appeal.overdue(info.context.clock.now())

    @strawberry.field
    async def shop(self, info: Info) -> Shop:
        return shop_of(await info.context.loaders.shop_by_id.load(self.appeal.shop_id))

    @strawberry.field
    async def subject(self, info: Info) -> AppealSubject:
        if self.appeal.kind is model.AppealKind.REVIEW:
            return present(await load_review(info, self.appeal.subject_id), "the appealed review")
        if self.appeal.kind is model.AppealKind.VIOLATION:
            return present(await load_violation(info, self.appeal.subject_id), "the appealed violation")
        return present(await load_claim(info, self.appeal.subject_id), "the appealed claim")

    @strawberry.field
    def evidence(self) -> list[Evidence]:
        return [Evidence.of(item, self.appeal.shop_id, "AppealEvidence") for item in self.appeal.evidence]

    @staticmethod
    def of(appeal: model.Appeal) -> Appeal:
        return Appeal(
            id=encode_id("Appeal", appeal.id), kind=appeal.kind, status=appeal.status, ground=appeal.ground,
            statement=appeal.statement, submitted_at=appeal.submitted_at, due_at=appeal.due_at,
            due_at_estimated=appeal.due_estimated, decided_at=appeal.decided_at, decision_note=appeal.decision_note,
            review_outcomes=list(appeal.review_outcomes), evidence_anomaly=appeal.evidence_anomaly, appeal=appeal,
        )


@strawberry.type
class AppealRestriction:
    mode: AppealRestrictionMode
    max_per_30_days: int | None
    until: datetime | None
    reason: str
    automatic: bool = strawberry.field(description="Set by the evidence-anomaly rule (A7), not by a person.")
    set_at: datetime
    restriction: strawberry.Private[model.AppealRestriction]

    @strawberry.field(description="In force now: not NONE and not past `until`.")
    def active(self, info: Info) -> bool:
        return self.restriction.in_force(info.context.clock.now())

    @staticmethod
    def of(r: model.AppealRestriction) -> AppealRestriction:
        return AppealRestriction(mode=r.mode, max_per_30_days=r.max_per_30_days, until=r.until, reason=r.reason,
                                 automatic=r.automatic, set_at=r.set_at, restriction=r)


@strawberry.type
class ExperienceScore:
    review_rating: float | None = strawberry.field(
        description="Average rating of reviews that count; null when none count."
    )
    counted_reviews: int
    return_rate: float = strawberry.field(
        description="A5 (品退率): countedOrders ÷ deliveredOrders, never above 1; 0 when nothing was delivered."
    )
    counted_claims: int = strawberry.field(
        description="The same number as countedOrders: only an order's first after-sale counts, so counted claims "
                    "and counted orders are one count (A5).")
    delivered_orders: int
    counted_orders: int = strawberry.field(
        description="A5: delivered orders whose first after-sale (the earliest claim on any line, not withdrawn) "
                    "has a product reason and was not excluded by an approved RETURN_RATE appeal.")


@strawberry.type
class WorkingCalendarYear:
    year: int
    holidays: list[date]
    workdays: list[date] = strawberry.field(description="Weekend days worked in lieu (调休).")


async def shop_experience_score(info: Info, shop_id: int) -> ExperienceScore:
    facts = present(await info.context.loaders.score_facts_by_shop.load(shop_id), "the shop's score facts")
    score = experience_score(facts.rating_sum, facts.counted_reviews, facts.counted_claims, facts.delivered_orders)
    return ExperienceScore(review_rating=score.review_rating, counted_reviews=score.counted_reviews,
                           return_rate=score.return_rate, counted_claims=score.counted_claims,
                           delivered_orders=score.delivered_orders, counted_orders=score.counted_claims)


async def load_appeal(info: Info, pk: int) -> Appeal | None:
    appeal = await info.context.loaders.appeal_by_id.load(pk)
    return Appeal.of(appeal) if appeal and can_view_appeal(info.context.actor, appeal) else None


async def load_appeal_evidence(info: Info, pk: int) -> Evidence | None:
    appeal_id = await info.context.loaders.appeal_id_by_evidence.load(pk)
    appeal = await load_appeal(info, appeal_id) if appeal_id else None
    if appeal is None:
        return None
    item = next((item for item in appeal.appeal.evidence if item.id == pk), None)
    return Evidence.of(item, appeal.appeal.shop_id, "AppealEvidence") if item else None


register_node("Appeal", load_appeal)
register_node("AppealEvidence", load_appeal_evidence)
