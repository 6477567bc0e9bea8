from __future__ import annotations

from datetime import date, datetime

import strawberry

from domain.appeals import services
from domain.shared.actor import Role
from domain.shared.errors import present
from domain.shops.model import Shop as DomainShop
from schema.appeals.types import (
    Appeal,
    AppealKind,
    AppealRestrictionMode,
    AppealStatus,
    ReviewAppealGround,
    ReviewAppealOutcome,
    WorkingCalendarYear,
    load_appeal,
)
from schema.claims.operations import EvidenceInput
from schema.common.errors import UserError
from schema.common.ids import decode_id
from schema.common.mutations import attempt
from schema.common.pagination import CountedConnection, counted_connection, window
from schema.context import Info
from schema.shops.types import Shop


@strawberry.input
class FileAppealInput:
    kind: AppealKind
    subject_id: strawberry.ID = strawberry.field(description="A Review ID for REVIEW, a Claim ID for the other kinds.")
    ground: ReviewAppealGround | None = None
    statement: str
    evidence: list[EvidenceInput]

    def to_request(self) -> services.FileAppeal:
        subject_type = {AppealKind.REVIEW: "Review", AppealKind.VIOLATION: "Violation"}.get(self.kind, "Claim")
        return services.FileAppeal(self.kind, decode_id(self.subject_id, subject_type), self.statement,
                                   [e.to_request() for e in self.evidence], self.ground)


@strawberry.input
class DecideAppealInput:
    appeal_id: strawberry.ID
    approve: bool
    note: str | None = None
    review_outcomes: list[ReviewAppealOutcome] | None = strawberry.field(
        default=None, description="REVIEW only; defaults per ground (A5).")
    evidence_anomaly: bool | None = None


@strawberry.input
class RestrictAppealsInput:
    shop_id: strawberry.ID
    mode: AppealRestrictionMode
    max_per_30_days: int | None = None
    until: datetime | None = None
    reason: str


@strawberry.input
class SetWorkingCalendarInput:
    year: int
    holidays: list[date] = strawberry.field(description="Every official day off of the year, weekends included.")
    workdays: list[date] = strawberry.field(description="Weekend days worked in lieu (调休).")


@strawberry.input
class AppealFilter:
    status: list[AppealStatus] | None = None
    kind: list[AppealKind] | None = None
    shop_id: strawberry.ID | None = None
    overdue: bool | None = None


@strawberry.type
class AppealPayload:
    appeal: Appeal | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RestrictAppealsPayload:
    shop: Shop | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WorkingCalendarPayload:
    calendar: WorkingCalendarYear | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _appeal(appeal) -> dict:
    return {"appeal": Appeal.of(appeal)}


def _calendar(calendar) -> WorkingCalendarYear:
    return WorkingCalendarYear(
        year=calendar.year, holidays=sorted(calendar.holidays), workdays=sorted(calendar.workdays)
    )


@strawberry.type
class AppealQueries:
    @strawberry.field
    async def appeal(self, info: Info, id: strawberry.ID) -> Appeal | None:
        info.context.require_authenticated()
        pk = decode_id(id, "Appeal")
        return await load_appeal(info, pk) if pk else None

    @strawberry.field(description="Merchant: own shop's. Platform: all; with status PENDING, overdue first then by "
                                  "dueAt (A4). Otherwise newest first.")
    async def appeals(self, info: Info, filter: AppealFilter | None = None, first: int | None = None,
                      after: str | None = None, last: int | None = None,
                      before: str | None = None) -> CountedConnection[Appeal]:
        wanted = filter or AppealFilter()
        ctx = info.context
        request = services.AppealListRequest(
            wanted.status, wanted.kind, decode_id(wanted.shop_id, "Shop") if wanted.shop_id is not None else None,
            wanted.shop_id is not None, wanted.overdue)
        query = services.appeals_scope(ctx.actor, request, ctx.clock.now())
        page = window(first, after, last, before, (datetime, int))
        rows = await ctx.loaders.read(lambda uow: uow.appeals.page(query, page))
        return counted_connection(rows, page, Appeal.of, lambda a: (a.due_at.isoformat(), a.id),
                                  lambda: ctx.loaders.read(lambda uow: uow.appeals.count(query)))

    @strawberry.field(description="PLATFORM: a year's calendar as loaded with setWorkingCalendar; null if not loaded.")
    async def working_calendar(self, info: Info, year: int) -> WorkingCalendarYear | None:
        info.context.actor.require(Role.PLATFORM)
        found = await info.context.loaders.read(lambda uow: uow.calendar.get_years([year]))
        return _calendar(found[year]) if year in found else None


@strawberry.type
class AppealMutations:
    @strawberry.mutation(description="MERCHANT")
    async def file_appeal(self, info: Info, input: FileAppealInput) -> AppealPayload:
        ctx = info.context
        return await attempt(AppealPayload, lambda: services.file_appeal(
            ctx.uow(), ctx.actor, ctx.clock, input.to_request()), _appeal)

    @strawberry.mutation(description="PLATFORM")
    async def decide_appeal(self, info: Info, input: DecideAppealInput) -> AppealPayload:
        ctx = info.context
        request = services.DecideAppeal(decode_id(input.appeal_id, "Appeal"), input.approve, input.note,
                                        input.review_outcomes, input.evidence_anomaly)
        return await attempt(AppealPayload, lambda: services.decide_appeal(
            ctx.uow(), ctx.actor, ctx.clock, ctx.policies.appeal, request), _appeal)

    @strawberry.mutation(description="PLATFORM")
    async def restrict_appeals(self, info: Info, input: RestrictAppealsInput) -> RestrictAppealsPayload:
        ctx = info.context
        shop_id = decode_id(input.shop_id, "Shop")
        request = services.RestrictAppeals(shop_id, input.mode, input.reason, input.max_per_30_days, input.until)

        async def run() -> DomainShop:
            await services.restrict_appeals(ctx.uow(), ctx.actor, ctx.clock, request)  # NOT_FOUND for no shop
            shops = await ctx.loaders.read(lambda uow: uow.shops.get_many([present(shop_id, "the shop")]))
            return shops[present(shop_id, "the shop")]

        return await attempt(RestrictAppealsPayload, run, lambda shop: {"shop": Shop.of(shop)})

    @strawberry.mutation(description="PLATFORM: load a year's official holidays and adjusted working days (G4); they "
                                     "take precedence over the bundled calendar.")
    async def set_working_calendar(self, info: Info, input: SetWorkingCalendarInput) -> WorkingCalendarPayload:
        ctx = info.context
        return await attempt(WorkingCalendarPayload, lambda: services.set_working_calendar(
            ctx.uow(), ctx.actor, ctx.clock, input.year, input.holidays, input.workdays),
            lambda calendar: {"calendar": _calendar(calendar)})
