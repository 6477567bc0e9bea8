"""V1–V2: the violations list and the platform's hand."""

from __future__ import annotations

import strawberry

from domain.violations import services
from schema.common.errors import UserError
from schema.common.ids import decode_id
from schema.common.mutations import attempt
from schema.common.pagination import CountedConnection, newest_first, window
from schema.context import Info
from schema.violations.types import Violation, ViolationKind, ViolationStatus


@strawberry.input
class ViolationFilter:
    shop_id: strawberry.ID | None = None
    kind: list[ViolationKind] | None = None
    status: list[ViolationStatus] | None = None


@strawberry.input
class RecordViolationInput:
    shop_id: strawberry.ID
    kind: ViolationKind
    reason: str
    claim_id: strawberry.ID | None = None


@strawberry.input
class WithdrawViolationInput:
    violation_id: strawberry.ID
    reason: str


@strawberry.type
class ViolationPayload:
    violation: Violation | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _violation(violation) -> dict:
    return {"violation": Violation.of(violation)}


@strawberry.type
class ViolationQueries:
    @strawberry.field(description="V2: PLATFORM any shop's; MERCHANT and AGENT their own shop's. Newest first.")
    async def violations(self, info: Info, filter: ViolationFilter | None = None, first: int | None = None,
                         after: str | None = None, last: int | None = None,
                         before: str | None = None) -> CountedConnection[Violation]:
        wanted, ctx = filter or ViolationFilter(), info.context
        shop_id = decode_id(wanted.shop_id, "Shop") if wanted.shop_id is not None else None
        query = services.violations_scope(ctx.actor, shop_id, wanted.shop_id is not None, wanted.kind, wanted.status)
        return await newest_first(ctx.loaders.read, window(first, after, last, before),
                                  lambda uow, page: uow.violations.page(query, page),
                                  Violation.of, lambda uow: uow.violations.count(query))


@strawberry.type
class ViolationMutations:
    @strawberry.mutation(description="V1: PLATFORM records a violation by hand, with a reason.")
    async def record_violation(self, info: Info, input: RecordViolationInput) -> ViolationPayload:
        ctx = info.context
        claim_given = input.claim_id is not None
        request = services.RecordViolation(
            decode_id(input.shop_id, "Shop"), input.kind, input.reason,
            decode_id(input.claim_id, "Claim") if claim_given else None, claim_given)
        return await attempt(ViolationPayload, lambda: services.record_violation(ctx.uow(), ctx.actor, ctx.clock,
                                                                                 request), _violation)

    @strawberry.mutation(description="V2: PLATFORM withdraws a violation in force, with a reason.")
    async def withdraw_violation(self, info: Info, input: WithdrawViolationInput) -> ViolationPayload:
        ctx = info.context
        return await attempt(ViolationPayload, lambda: services.withdraw_violation(
            ctx.uow(), ctx.actor, ctx.clock, decode_id(input.violation_id, "Violation"), input.reason), _violation)
