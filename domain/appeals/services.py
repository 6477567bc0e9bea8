"""Appeal operations (SPEC A1–A7). Filing changes nothing but the appeal; only an approval takes effect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.appeals import rules
from domain.appeals.model import (
    Appeal,
    AppealKind,
    AppealRestriction,
    AppealStatus,
    RestrictionMode,
    ReviewAppealGround,
    ReviewAppealOutcome,
)
from domain.appeals.ports import AppealQuery
from domain.calendar.model import YearCalendar
from domain.calendar.services import load_calendar, year_calendar
from domain.claims.model import Claim
from domain.claims.services import EvidenceRequest, evidence_from_uploads
from domain.events.facts import appeal_event
from domain.events.model import Event, EventType
from domain.reviews.model import ReviewVisibility
from domain.shared.actor import Actor, Role
from domain.shared.clock import SHANGHAI, Clock
from domain.shared.errors import (
    DomainError,
    ErrorCode,
    Forbidden,
    InvalidInput,
    InvalidState,
    NotFound,
    present,
    stored,
)
from domain.shared.ids import global_id
from domain.shared.messages import msg, term
from domain.shared.text import bounded_text
from domain.shared.uow import UnitOfWork, in_transaction
from domain.shared.validation import Validation
from domain.shops.model import LedgerEntryKind
from domain.shops.services import locked_account, save_account
from domain.violations.services import record_anomaly, withdraw_on_appeal

MAX_STATEMENT = 1000
MAX_NOTE = 1000
MAX_REASON = 500


@dataclass(frozen=True)
class AppealPolicy:
    """A7 platform settings: auto-limit after K evidence anomalies within 30 days."""

    anomaly_threshold: int = 3
    auto_limit_per_30_days: int = 1
    auto_limit_for: timedelta | None = timedelta(days=30)
    rejections_threshold: int = 5  # A7 (APPEAL_REJECTIONS_LIMIT): frequent invalid appeals


@dataclass(frozen=True)
class FileAppeal:
    kind: AppealKind
    subject_id: int | None
    statement: str
    evidence: list[EvidenceRequest]
    ground: ReviewAppealGround | None = None


@dataclass(frozen=True)
class DecideAppeal:
    appeal_id: int | None
    approve: bool
    note: str | None = None
    review_outcomes: list[ReviewAppealOutcome] | None = None
    evidence_anomaly: bool | None = None


@dataclass(frozen=True)
class RestrictAppeals:
    shop_id: int | None
    mode: RestrictionMode
    reason: str
    max_per_30_days: int | None = None
    until: datetime | None = None


SUBJECT = ("input", "subjectId")


async def _window_start(uow: UnitOfWork, actor: Actor, request: FileAppeal) -> datetime:
    """A1/A3: the subject must be the merchant's shop's, and in a state that can be appealed."""
    if request.kind is AppealKind.REVIEW:
        review = (
            (await uow.reviews.get_many([request.subject_id])).get(request.subject_id) if request.subject_id else None
        )
        if review is None or review.shop_id != actor.shop_id:
            raise NotFound("no such review of your shop", SUBJECT)
        if not rules.review_appealable(review.rating):
            raise DomainError(msg("only mid and bad reviews (1–3 stars) can be appealed; this one has {rating} (A1)",
                                  rating=review.rating), SUBJECT, ErrorCode.REVIEW_NOT_APPEALABLE)
        return review.created_at
    if request.kind is AppealKind.VIOLATION:
        violation = await uow.violations.get(request.subject_id) if request.subject_id else None
        if violation is None or violation.shop_id != actor.shop_id:
            raise NotFound("no such violation of your shop", SUBJECT)
        if not violation.in_force:
            raise InvalidState("the violation was already withdrawn; there is nothing to appeal", SUBJECT)
        return violation.recorded_at
    claim: Claim | None = await uow.claims.get(request.subject_id) if request.subject_id else None
    if claim is None or claim.shop_id != actor.shop_id:
        raise NotFound("no such claim of your shop", SUBJECT)
    if request.kind is AppealKind.RETURN_RATE:
        order = present(await uow.orders.get(claim.order_id), "the claim's order")
        if order.first_claim_id != claim.id:
            raise DomainError("a RETURN_RATE appeal is about the order's first after-sale; this claim is a later "
                              "one and does not count (A1, A5)", SUBJECT, ErrorCode.APPEAL_NOT_APPLICABLE)
    start, refusal = rules.claim_window_start(request.kind, claim)
    if start is None:
        raise InvalidState(refusal or "this claim cannot be appealed that way", SUBJECT)
    return start


async def _check_restriction(uow: UnitOfWork, shop_id: int, now: datetime) -> None:
    """A7: CLOSED refuses; LIMITED counts the rolling 30 days. Bumping the restriction's version makes concurrent
    filings of one shop serialise on it, so the limit holds under any concurrency."""
    restriction = await uow.appeals.get_restriction(shop_id, lock=True)
    if restriction is None or not restriction.in_force(now):
        return
    if restriction.mode is RestrictionMode.CLOSED:
        raise DomainError(msg("the shop may not file appeals: {reason}",
            reason=restriction.reason), None, ErrorCode.APPEALS_CLOSED)
    limit = present(restriction.max_per_30_days, "a LIMITED restriction's limit")
    if await uow.appeals.filed_since(shop_id, now - rules.ROLLING) >= limit:
        raise DomainError(
            msg("the shop may file {max} appeal(s) per 30 days: {reason}",
                max=restriction.max_per_30_days, reason=restriction.reason),
            None,
            ErrorCode.APPEAL_LIMIT_REACHED,
        )
    await uow.appeals.save_restriction(restriction)


async def file_appeal(uow: UnitOfWork, actor: Actor, clock: Clock, request: FileAppeal) -> Appeal:
    """MERCHANT files for their own shop: once per kind and subject (A2), within the window (A3), with a statement
    and evidence (A6), unless restricted (A7). The decision under appeal stays in force (A5)."""
    actor.require(Role.MERCHANT)
    now = clock.now()
    given = Validation()  # H2: the statement, the ground, the evidence, the window, all before refusing
    statement = given(bounded_text, request.statement, field=("input", "statement"), max_len=MAX_STATEMENT,
                      min_len=1)
    if request.kind is AppealKind.REVIEW and request.ground is None:
        given.add(InvalidInput("a review appeal names its ground", ("input", "ground")))
    if request.kind is not AppealKind.REVIEW and request.ground is not None:
        given.add(InvalidInput("a ground goes with REVIEW appeals only", ("input", "ground")))
    if not request.evidence:
        given.add(InvalidInput("an appeal carries at least one evidence file (A6)", ("input", "evidence")))

    async def work(uow: UnitOfWork) -> Appeal:
        check = given.branch()
        try:
            start = await _window_start(uow, actor, request)
        except DomainError as error:  # no such subject: no window to check
            raise check.fail(error) from None
        if not rules.within_window(request.kind, start, now):
            days, until = rules.WINDOW_DAYS[request.kind], rules.deadline(request.kind, start)
            check.add(DomainError(msg("a {kind} appeal is due within {days} natural days, by {until} Asia/Shanghai "
                                      "(A3)", kind=request.kind.value, days=days,
                                      until=until.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")),
                                  SUBJECT, ErrorCode.APPEAL_WINDOW_CLOSED))
        try:
            await _check_restriction(uow, actor.shop, now)
        except DomainError as error:
            check.add(error)
        evidence = None
        try:
            evidence = await evidence_from_uploads(uow, actor, request.evidence, now)
        except DomainError as error:
            check.add(error)
        check.done()  # nothing is written before this
        assert statement is not None and evidence is not None
        calendar = await load_calendar(uow, rules.years_for_deadline(now))
        due, estimated = rules.due_at(now, calendar)
        appeal = Appeal(
            request.kind,
            actor.shop,
            present(request.subject_id, "the subject"),
            statement,
            now,
            due,
            estimated,
            actor.user_id,
            request.ground,
            evidence,
        )
        await uow.appeals.add(appeal)
        await uow.events.record(appeal_event(EventType.APPEAL_FILED, appeal, actor, now))
        return appeal

    return await in_transaction(uow, work)


def _check_decision(request: DecideAppeal, appeal: Appeal, check: Validation) -> tuple[ReviewAppealOutcome, ...]:
    """The decision's fields, each problem recorded (H2); the review outcomes it takes."""
    if request.evidence_anomaly and request.approve:
        check.add(InvalidInput("only a rejection may be marked as an evidence anomaly", ("input", "evidenceAnomaly")))
    outcomes = request.review_outcomes
    if outcomes is not None and appeal.kind is not AppealKind.REVIEW:
        check.add(InvalidInput("review outcomes go with REVIEW appeals only", ("input", "reviewOutcomes")))
    elif outcomes is not None and not request.approve:
        check.add(InvalidInput("review outcomes go with an approval only", ("input", "reviewOutcomes")))
    elif outcomes is not None and not outcomes:
        check.add(InvalidInput(
            "choose at least one outcome, or leave it out for the ground's default", ("input", "reviewOutcomes")))
    check.done()
    if appeal.kind is AppealKind.REVIEW and request.approve:
        ground = present(appeal.ground, "a REVIEW appeal's ground")
        return tuple(dict.fromkeys(outcomes)) if outcomes else (rules.DEFAULT_OUTCOME[ground],)
    return ()


async def _take_effect(uow: UnitOfWork, actor: Actor, appeal: Appeal, now: datetime) -> None:
    """A5: what an approval changes."""
    if appeal.kind is AppealKind.VIOLATION:
        await withdraw_on_appeal(uow, appeal.subject_id, appeal.id, actor, now)
        return
    if appeal.kind is AppealKind.REVIEW:
        review = (await uow.reviews.get_many([appeal.subject_id]))[appeal.subject_id]
        if ReviewAppealOutcome.SELF_VISIBLE in appeal.review_outcomes:
            review.visibility = ReviewVisibility.SELF_VISIBLE
        if ReviewAppealOutcome.EXCLUDED_FROM_SCORE in appeal.review_outcomes and review.counts_toward_score:
            review.counts_toward_score = False
            await uow.scores.add(review.shop_id, rating_sum=-review.rating, counted_reviews=-1)
        await uow.reviews.update(review)
        return
    claim = present(await uow.claims.get(appeal.subject_id, lock=True), "the appealed claim")
    claim_pk = stored(claim.id)
    if appeal.kind is AppealKind.RETURN_RATE:
        if claim.counts_toward_return_rate:
            await uow.scores.add(claim.shop_id, counted_claims=-1)
        claim.counts_toward_return_rate = False
    elif claim.ruling is not None and claim.ruling.withdrawn_at is None:
        claim.ruling.withdrawn_at = now  # the platform bears it; the buyer keeps the money
        order = await uow.orders.get(claim.order_id, lock=True)
        if order is not None and order.penalty_claim_id == claim_pk:
            order.release_penalty(claim_pk)  # C6: a later ruling on the order may charge its penalty
            await uow.orders.update(order)
        entries = (await uow.accounts.entries_for_claims([claim_pk]))[claim_pk]
        reversed_ids = {e.reverses_id for e in entries if e.reverses_id is not None}
        due = [e for e in entries if e.kind is not LedgerEntryKind.REVERSAL and e.id not in reversed_ids]
        if due:
            account = await locked_account(uow, claim.shop_id)
            for entry in due:
                account.reverse(entry, actor, now)
            await save_account(uow, account, actor)
    await uow.claims.update(claim)


async def _auto_limit(uow: UnitOfWork, policy: AppealPolicy, shop_id: int, actor: Actor, now: datetime) -> None:
    """A7: K evidence-anomaly rejections within 30 days, or APPEAL_REJECTIONS_LIMIT rejections of any kind
    (frequent invalid appeals, 頻繁發起無效申訴), limit the shop automatically; the reason names the rule."""
    since = now - rules.ROLLING
    if await uow.appeals.anomalies_since(shop_id, since) >= policy.anomaly_threshold:
        reason = f"automatic: {policy.anomaly_threshold} evidence anomalies within 30 days (A7)"
    elif await uow.appeals.rejections_since(shop_id, since) >= policy.rejections_threshold:
        reason = f"automatic: {policy.rejections_threshold} rejected appeals within 30 days (A7, frequent invalid " \
                 "appeals)"
    else:
        return
    current = await uow.appeals.get_restriction(shop_id, lock=True)
    if current is not None and current.in_force(now) and (
            current.mode is RestrictionMode.CLOSED or (current.max_per_30_days or 0) <= policy.auto_limit_per_30_days):
        return  # already at least as strict
    restriction = current or AppealRestriction(shop_id, RestrictionMode.NONE, "", now, actor.user_id)
    restriction.mode, restriction.max_per_30_days = RestrictionMode.LIMITED, policy.auto_limit_per_30_days
    restriction.until = now + policy.auto_limit_for if policy.auto_limit_for else None
    restriction.reason = reason
    restriction.set_at, restriction.set_by, restriction.automatic = now, actor.user_id, True
    await uow.appeals.save_restriction(restriction)
    await uow.events.record(_restriction_event(restriction, actor, now))


async def decide_appeal(uow: UnitOfWork, actor: Actor, clock: Clock, policy: AppealPolicy,
                        request: DecideAppeal) -> Appeal:
    """PLATFORM approves (the effects of A5 happen now, atomically) or rejects (optionally an evidence anomaly)."""
    actor.require(Role.PLATFORM)
    now = clock.now()
    given = Validation()  # H2: the note, the appeal's state and the decision's fields at once
    note = request.note
    if note is not None:
        note = given(bounded_text, note, field=("input", "note"), max_len=MAX_NOTE) or None

    async def work(uow: UnitOfWork) -> Appeal:
        check = given.branch()
        appeal = await uow.appeals.get(request.appeal_id, lock=True) if request.appeal_id else None
        if appeal is None:
            raise check.fail(NotFound("no such appeal", ("input", "appealId")))
        if appeal.status is not AppealStatus.PENDING:
            check.add(InvalidState(msg("the appeal was already {status}",
                status=term(appeal.status)), ("input", "appealId")))
        appeal.review_outcomes = _check_decision(request, appeal, check)
        appeal.status = AppealStatus.APPROVED if request.approve else AppealStatus.REJECTED
        appeal.decided_at, appeal.decided_by, appeal.decision_note = now, actor.user_id, note
        appeal.evidence_anomaly = bool(request.evidence_anomaly)
        await uow.appeals.update(appeal)
        if request.approve:
            await _take_effect(uow, actor, appeal, now)
        else:
            if appeal.evidence_anomaly:  # V1: an evidence anomaly is a violation too
                await record_anomaly(uow, appeal.shop_id, appeal.id, actor, now)
            await _auto_limit(uow, policy, appeal.shop_id, actor, now)
        await uow.events.record(appeal_event(EventType.APPEAL_DECIDED, appeal, actor, now))
        return appeal

    return await in_transaction(uow, work)


async def restrict_appeals(uow: UnitOfWork, actor: Actor, clock: Clock, request: RestrictAppeals) -> AppealRestriction:
    """PLATFORM sets a shop's restriction (A7); NONE lifts it."""
    actor.require(Role.PLATFORM)
    now = clock.now()
    reason = bounded_text(request.reason, field=("input", "reason"), max_len=MAX_REASON, min_len=1)
    limited = request.mode is RestrictionMode.LIMITED
    if limited and (request.max_per_30_days is None or not 1 <= request.max_per_30_days <= 1000):
        raise InvalidInput("LIMITED needs maxPer30Days between 1 and 1000", ("input", "maxPer30Days"))
    if not limited and request.max_per_30_days is not None:
        raise InvalidInput("maxPer30Days goes with LIMITED only", ("input", "maxPer30Days"))
    if request.until is not None and request.until <= now:
        raise InvalidInput("until must be in the future", ("input", "until"))

    async def work(uow: UnitOfWork) -> AppealRestriction:
        if request.shop_id is None or not await uow.shops.get_many([request.shop_id]):
            raise NotFound("no such shop", ("input", "shopId"))
        restriction = await uow.appeals.get_restriction(request.shop_id, lock=True) or AppealRestriction(
            request.shop_id, request.mode, reason, now, actor.user_id)
        restriction.mode, restriction.reason, restriction.max_per_30_days = (
            request.mode,
            reason,
            request.max_per_30_days,
        )
        restriction.until, restriction.set_at, restriction.set_by, restriction.automatic = (
            request.until,
            now,
            actor.user_id,
            False,
        )
        await uow.appeals.save_restriction(restriction)
        await uow.events.record(_restriction_event(restriction, actor, now))
        return restriction

    return await in_transaction(uow, work)


async def recompute_estimated_deadlines(uow: UnitOfWork) -> int:
    """After a calendar year is loaded, pending appeals whose deadline was estimated get the exact one (G4)."""
    changed = 0
    for appeal in await uow.appeals.pending_estimated():
        calendar = await load_calendar(uow, rules.years_for_deadline(appeal.submitted_at))
        due, estimated = rules.due_at(appeal.submitted_at, calendar)
        if (due, estimated) != (appeal.due_at, appeal.due_estimated):
            appeal.due_at, appeal.due_estimated = due, estimated
            await uow.appeals.update(appeal)
            changed += 1
    return changed


async def set_working_calendar(uow: UnitOfWork, actor: Actor, clock: Clock, year: int, holidays: list[date],
                               workdays: list[date]) -> YearCalendar:
    """PLATFORM loads a year's official calendar; it takes precedence over the package, and pending appeals whose
    deadline was estimated are recomputed (G4, A4)."""
    actor.require(Role.PLATFORM)
    calendar = year_calendar(year, holidays, workdays)
    now = clock.now()

    async def work(uow: UnitOfWork) -> YearCalendar:
        await uow.calendar.put(calendar, actor.user_id, now)
        await uow.events.record(Event.of(EventType.WORKING_CALENDAR_SET, "WorkingCalendar", year, actor, now,
                                         year=year, holidays=len(calendar.holidays), workdays=len(calendar.workdays)))
        await recompute_estimated_deadlines(uow)
        return calendar

    return await in_transaction(uow, work)


@dataclass(frozen=True)
class AppealListRequest:
    statuses: list[AppealStatus] | None = None
    kinds: list[AppealKind] | None = None
    shop_id: int | None = None
    shop_id_given: bool = False
    overdue: bool | None = None


def appeals_scope(actor: Actor, request: AppealListRequest, now: datetime) -> AppealQuery:
    """Merchants see their shop's appeals, the platform all; the PENDING queue is ordered by deadline (A4)."""
    if actor.role not in (Role.MERCHANT, Role.PLATFORM):
        raise Forbidden("appeals are listed for merchants and the platform")
    shop_id, nothing = request.shop_id, request.shop_id_given and request.shop_id is None
    if actor.role is Role.MERCHANT:
        nothing = nothing or (request.shop_id_given and request.shop_id != actor.shop_id)
        shop_id = actor.shop_id
    statuses = frozenset(request.statuses) if request.statuses else None
    return AppealQuery(statuses, frozenset(request.kinds) if request.kinds else None, shop_id, request.overdue, now,
                       queue_order=statuses == frozenset({AppealStatus.PENDING}), nothing=nothing)


@dataclass(frozen=True)
class ExperienceScore:
    review_rating: float | None
    counted_reviews: int
    return_rate: float
    counted_claims: int
    delivered_orders: int


def experience_score(
    rating_sum: int, counted_reviews: int, counted_claims: int, delivered_orders: int
) -> ExperienceScore:
    """A5: average rating of counted reviews; return rate = delivered orders whose first after-sale counts ÷
    delivered orders (the counter holds one claim per order at most, so the rate is never above 1)."""
    return ExperienceScore(
        review_rating=round(rating_sum / counted_reviews, 4) if counted_reviews else None,
        counted_reviews=counted_reviews,
        return_rate=round(counted_claims / delivered_orders, 6) if delivered_orders else 0.0,
        counted_claims=counted_claims, delivered_orders=delivered_orders,
    )


def _restriction_event(restriction: AppealRestriction, actor: Actor, at: datetime) -> Event:
    return Event.of(EventType.APPEAL_RESTRICTION_CHANGED, "Shop", restriction.shop_id, actor, at,
                    shop_id=restriction.shop_id, shopId=global_id("Shop", restriction.shop_id),
                    mode=restriction.mode.value, maxPer30Days=restriction.max_per_30_days,
                    until=restriction.until.isoformat() if restriction.until else None,
                    automatic=restriction.automatic)
