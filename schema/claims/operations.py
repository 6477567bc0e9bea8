from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum

import strawberry

from domain.claims import services
from domain.shared.money import Money as DomainMoney
from schema.claims.prefetch import prefetch_claim_page
from schema.claims.types import (
    Claim,
    ClaimReason,
    ClaimStatus,
    EvidenceKind,
    ForceMajeureCause,
    MerchantWinsReason,
    RulingOutcome,
    load_claim,
)
from schema.common.errors import UserError
from schema.common.ids import decode_id
from schema.common.mutations import attempt
from schema.common.pagination import CountedConnection, counted_connection
from schema.common.sorting import SortDirection, sort_key, sorted_page
from schema.context import Info


@strawberry.input
class EvidenceInput:
    kind: EvidenceKind
    upload_id: str = strawberry.field(description="An upload token returned by POST /uploads.")

    def to_request(self) -> services.EvidenceRequest:
        return services.EvidenceRequest(self.kind, self.upload_id)


@strawberry.input
class SubmitClaimInput:
    order_line_id: strawberry.ID
    reason: ClaimReason
    damaged_quantity: Decimal
    description: str | None = None
    evidence: list[EvidenceInput]

    def to_request(self) -> services.SubmitClaim:
        return services.SubmitClaim(decode_id(self.order_line_id, "OrderLine"), self.reason, self.damaged_quantity,
                                    self.description, [e.to_request() for e in self.evidence])


@strawberry.input
class AddClaimEvidenceInput:
    claim_id: strawberry.ID
    evidence: list[EvidenceInput]


@strawberry.input
class AcceptClaimInput:
    claim_id: strawberry.ID


@strawberry.input
class RejectClaimInput:
    claim_id: strawberry.ID
    reason: str


@strawberry.input
class EscalateClaimInput:
    claim_id: strawberry.ID


@strawberry.input
class WithdrawClaimInput:
    claim_id: strawberry.ID


@strawberry.input
class InvalidateEvidenceInput:
    claim_id: strawberry.ID
    evidence_id: strawberry.ID
    reason: str


@strawberry.input
class RuleClaimInput:
    claim_id: strawberry.ID
    outcome: RulingOutcome
    merchant_wins_reason: MerchantWinsReason | None = None
    agreed_penalty: Decimal | None = strawberry.field(
        default=None, description="C6: a penalty the parties agreed on; not below the platform amount.")
    force_majeure_cause: ForceMajeureCause | None = strawberry.field(
        default=None, description="Required for FORCE_MAJEURE, refused otherwise.")
    note: str | None = strawberry.field(
        default=None, description="The platform's reasoning, shown to the buyer and the shop (1–1000 characters).")

    def to_request(self) -> services.RuleClaim:
        agreed = self.agreed_penalty
        return services.RuleClaim(
            decode_id(self.claim_id, "Claim"), self.outcome, self.merchant_wins_reason,
            DomainMoney.of(agreed, ("input", "agreedPenalty")) if agreed is not None else None,
            self.force_majeure_cause, self.note,
        )


@strawberry.input(description="C9: the shop's side while a claim is escalated.")
class RespondToEscalationInput:
    claim_id: strawberry.ID
    statement: str = strawberry.field(description="For the platform, 1–1000 characters; the buyer reads it too.")
    evidence: list[EvidenceInput] = strawberry.field(description="At least one file of any kind, from POST /uploads.")

    def to_request(self) -> services.RespondToEscalation:
        return services.RespondToEscalation(decode_id(self.claim_id, "Claim"), self.statement,
                                            [e.to_request() for e in self.evidence])


@strawberry.input
class ClaimFilter:
    status: list[ClaimStatus] | None = None
    shop_id: strawberry.ID | None = None
    buyer_id: str | None = None
    reasons: list[ClaimReason] | None = None
    submitted_from: datetime | None = None
    submitted_to: datetime | None = None
    merchant_response_overdue: bool | None = strawberry.field(
        default=None, description="F2: only claims whose merchantResponseDueAt has passed without an answer.")
    order_id: strawberry.ID | None = None


@strawberry.enum
class ClaimSortField(Enum):
    SUBMITTED_AT = "SUBMITTED_AT"
    MERCHANT_RESPONSE_DUE_AT = "MERCHANT_RESPONSE_DUE_AT"


@strawberry.input(description="F2: also an argument of the existing list: claims(filter:, sortBy: ClaimSort, first:, "
                              "after:).")
class ClaimSort:
    field: ClaimSortField
    direction: SortDirection = SortDirection.DESC


@strawberry.type
class ClaimPayload:
    claim: Claim | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _claim(claim) -> dict:
    return {"claim": Claim.of(claim)}


def _id(value: strawberry.ID) -> int | None:
    return decode_id(value, "Claim")


@strawberry.type
class ClaimQueries:
    @strawberry.field
    async def claim(self, info: Info, id: strawberry.ID) -> Claim | None:
        info.context.require_authenticated()
        pk = _id(id)
        return await load_claim(info, pk) if pk else None

    @strawberry.field(description="Buyer: own claims. Merchant/agent: own shop's. Platform: all. Newest first.")
    async def claims(self, info: Info, filter: ClaimFilter | None = None, sort_by: ClaimSort | None = None,
                     first: int | None = None, after: str | None = None, last: int | None = None,
                     before: str | None = None) -> CountedConnection[Claim]:
        wanted, ctx = filter or ClaimFilter(), info.context
        shop_id = decode_id(wanted.shop_id, "Shop") if wanted.shop_id is not None else None
        order_id = decode_id(wanted.order_id, "Order") if wanted.order_id is not None else None
        query = services.claims_scope(
            ctx.actor, wanted.status, shop_id, wanted.buyer_id, shop_id_given=wanted.shop_id is not None,
            reasons=frozenset(wanted.reasons) if wanted.reasons else None, submitted_from=wanted.submitted_from,
            submitted_to=wanted.submitted_to, overdue_at=ctx.clock.now() if wanted.merchant_response_overdue else None,
            order_id=order_id, nothing=wanted.order_id is not None and order_id is None)
        page = sorted_page(first, after, sort_by.field.value if sort_by else None,
                           sort_by.direction if sort_by else SortDirection.DESC, datetime, last, before)

        async def read(uow):
            rows = await uow.claims.page(query, page)
            for claim in rows:
                info.context.loaders.claim_by_id.prime(claim.id, claim)
            await prefetch_claim_page(info, rows[:page.size], uow)
            return rows

        rows = await ctx.loaders.read(read)
        field = sort_by.field.value.lower() if sort_by else None
        return counted_connection(rows, page, Claim.of,
                                  sort_key(page, lambda c: getattr(c, field or "id")),
                                  lambda: ctx.loaders.read(lambda uow: uow.claims.count(query)))


@strawberry.input
class ProposeCompensationInput:
    claim_id: strawberry.ID
    amount: Decimal = strawberry.field(description="At least the order's standard penalty (C6).")
    note: str | None = None

    def to_request(self) -> services.ProposeCompensation:
        return services.ProposeCompensation(decode_id(self.claim_id, "Claim"),
                                            DomainMoney.of(self.amount, ("input", "amount")), self.note)


@strawberry.input
class AcceptCompensationInput:
    claim_id: strawberry.ID


@strawberry.input
class RecordPayoutInput:
    claim_id: strawberry.ID


@strawberry.type
class ClaimMutations:
    @strawberry.mutation(description="BUYER")
    async def submit_claim(self, info: Info, input: SubmitClaimInput) -> ClaimPayload:
        ctx = info.context
        return await attempt(ClaimPayload, lambda: services.submit_claim(
            ctx.uow(), ctx.actor, ctx.clock, ctx.policies.claim, input.to_request()), _claim)

    @strawberry.mutation(description="BUYER, while escalated.")
    async def add_claim_evidence(self, info: Info, input: AddClaimEvidenceInput) -> ClaimPayload:
        ctx = info.context
        return await attempt(ClaimPayload, lambda: services.add_evidence(
            ctx.uow(), ctx.actor, ctx.clock, _id(input.claim_id), [e.to_request() for e in input.evidence]), _claim)

    @strawberry.mutation(description="MERCHANT: refund the C4 amount, from payables first (C7).")
    async def accept_claim(self, info: Info, input: AcceptClaimInput) -> ClaimPayload:
        ctx = info.context
        return await attempt(ClaimPayload, lambda: services.accept_claim(
            ctx.uow(), ctx.actor, ctx.clock, _id(input.claim_id), ctx.policies.claim), _claim)

    @strawberry.mutation(description="MERCHANT")
    async def reject_claim(self, info: Info, input: RejectClaimInput) -> ClaimPayload:
        ctx = info.context
        return await attempt(ClaimPayload, lambda: services.reject_claim(
            ctx.uow(), ctx.actor, ctx.clock, _id(input.claim_id), input.reason), _claim)

    @strawberry.mutation(description="BUYER")
    async def escalate_claim(self, info: Info, input: EscalateClaimInput) -> ClaimPayload:
        ctx = info.context
        return await attempt(ClaimPayload, lambda: services.escalate_claim(
            ctx.uow(), ctx.actor, ctx.clock, _id(input.claim_id)), _claim)

    @strawberry.mutation(description="BUYER")
    async def withdraw_claim(self, info: Info, input: WithdrawClaimInput) -> ClaimPayload:
        ctx = info.context
        return await attempt(ClaimPayload, lambda: services.withdraw_claim(
            ctx.uow(), ctx.actor, ctx.clock, _id(input.claim_id)), _claim)

    @strawberry.mutation(description="PLATFORM")
    async def invalidate_evidence(self, info: Info, input: InvalidateEvidenceInput) -> ClaimPayload:
        ctx = info.context
        return await attempt(ClaimPayload, lambda: services.invalidate_evidence(
            ctx.uow(), ctx.actor, ctx.clock, _id(input.claim_id), decode_id(input.evidence_id, "Evidence"),
            input.reason), _claim)

    @strawberry.mutation(description="PLATFORM: rule and collect in one transaction (C6, C7).")
    async def rule_claim(self, info: Info, input: RuleClaimInput) -> ClaimPayload:
        ctx = info.context
        return await attempt(ClaimPayload, lambda: services.rule_claim(
            ctx.uow(), ctx.actor, ctx.clock, input.to_request(), ctx.policies.claim), _claim)

    @strawberry.mutation(description="C5: MERCHANT of the claim's shop, once the guarantee claim has failed.")
    async def propose_compensation(self, info: Info, input: ProposeCompensationInput) -> ClaimPayload:
        ctx = info.context
        return await attempt(ClaimPayload, lambda: services.propose_compensation(
            ctx.uow(), ctx.actor, ctx.clock, input.to_request()), _claim)

    @strawberry.mutation(description="C5: the claim's BUYER.")
    async def accept_compensation(self, info: Info, input: AcceptCompensationInput) -> ClaimPayload:
        ctx = info.context
        return await attempt(ClaimPayload, lambda: services.accept_compensation(
            ctx.uow(), ctx.actor, ctx.clock, _id(input.claim_id), ctx.policies.claim), _claim)

    @strawberry.mutation(description="C5: SERVICE (the payment service) confirms the payout, once.")
    async def record_payout(self, info: Info, input: RecordPayoutInput) -> ClaimPayload:
        ctx = info.context
        return await attempt(ClaimPayload, lambda: services.record_payout(
            ctx.uow(), ctx.actor, ctx.clock, _id(input.claim_id)), _claim)

    @strawberry.mutation(description="MERCHANT of the claim's shop, while ESCALATED (C9).")
    async def respond_to_escalation(self, info: Info, input: RespondToEscalationInput) -> ClaimPayload:
        ctx = info.context
        return await attempt(ClaimPayload, lambda: services.respond_to_escalation(
            ctx.uow(), ctx.actor, ctx.clock, input.to_request()), _claim)
