"""The pure rules of SPEC section A."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from domain.appeals.model import AppealKind
from domain.appeals.model import ReviewAppealGround as G
from domain.appeals.model import ReviewAppealOutcome as O
from domain.calendar.model import WorkingCalendar, end_of_day, natural_days_end
from domain.claims.model import Claim, RulingOutcome
from domain.shared.clock import SHANGHAI
from domain.shared.messages import msg, term

WINDOW_DAYS = {AppealKind.REVIEW: 30, AppealKind.ARBITRATION: 7, AppealKind.COMPENSATION: 7,
               AppealKind.RETURN_RATE: 7, AppealKind.VIOLATION: 7}  # A3 and V3, natural days
SERVICE_WORKING_DAYS = 3
APPEALABLE_RATING = 3  # A1: mid and bad reviews (中差評), 1–3 stars
ROLLING = timedelta(days=30)

DEFAULT_OUTCOME = {  # A5 [decision on the mapping]
    G.ABUSIVE_CONTENT: O.SELF_VISIBLE, G.ADVERTISING: O.SELF_VISIBLE, G.PRIVACY_LEAK: O.SELF_VISIBLE,
    G.EXTORTION: O.EXCLUDED_FROM_SCORE, G.MALICIOUS_COMPETITION: O.EXCLUDED_FROM_SCORE,
    G.INFLUENCER_MISCONDUCT: O.EXCLUDED_FROM_SCORE,
}


def review_appealable(rating: int) -> bool:
    """A1: REVIEW appeals are for mid and bad reviews only (rating ≤ 3 stars)."""
    return rating <= APPEALABLE_RATING


def deadline(kind: AppealKind, window_start: datetime) -> datetime:
    """A3: the last instant an appeal of ``kind`` may be filed: the end of the N-th natural day (Asia/Shanghai)
    after the calendar date of the event (a review's creation, a ruling, a claim's submission)."""
    return natural_days_end(window_start, WINDOW_DAYS[kind])


def earliest_open(kind: AppealKind, now: datetime) -> datetime:
    """The earliest event instant whose appeal window is still open at ``now`` (A3): the start of the Shanghai day
    N days before now's. ``within_window(kind, t, now)`` exactly when ``t >= earliest_open(kind, now)``."""
    today = now.astimezone(SHANGHAI).date()
    first = today - timedelta(days=WINDOW_DAYS[kind])
    return datetime.combine(first, time.min, tzinfo=SHANGHAI).astimezone(UTC)


def within_window(kind: AppealKind, window_start: datetime, now: datetime) -> bool:
    """A3, inclusive of the deadline itself."""
    return now <= deadline(kind, window_start)


def claim_window_start(kind: AppealKind, claim: Claim) -> tuple[datetime | None, str | None]:
    """A1/A3 for the kinds whose subject is a claim: the event that opens the window, or why this claim cannot be
    appealed that way (then ``None`` and the reason)."""
    if kind in (AppealKind.REVIEW, AppealKind.VIOLATION):
        return None, msg("a {kind} appeal's subject is not a claim", kind=term(kind))
    if kind is AppealKind.RETURN_RATE:
        if not claim.counts_toward_return_rate:
            return None, msg("this claim does not count toward the return rate")
        return claim.submitted_at, None
    ruling = claim.ruling
    if ruling is None or ruling.withdrawn_at is not None:
        return None, msg("the claim has no ruling in force")
    if kind is AppealKind.ARBITRATION and ruling.outcome is RulingOutcome.MERCHANT_WINS:
        return None, msg("the ruling went the shop's way; there is nothing to appeal")
    if kind is AppealKind.COMPENSATION and not (ruling.refund.fen or ruling.penalty.fen):
        return None, msg("nothing was deducted for this claim")
    return ruling.decided_at, None


def claim_appeal_deadline(kind: AppealKind, claim: Claim) -> datetime | None:
    """A3 as ``Claim.appealDeadline(kind:)`` shows it: ``None`` when that appeal is not possible on this claim."""
    start, _refusal = claim_window_start(kind, claim)
    return deadline(kind, start) if start is not None else None


def due_at(submitted_at: datetime, calendar: WorkingCalendar) -> tuple[datetime, bool]:
    """A4: the end (23:59:59 Asia/Shanghai) of the third working day after the submission's calendar date, and
    whether the Monday–Friday fallback was used (G4)."""
    local_date = submitted_at.astimezone(SHANGHAI).date()
    day, estimated = calendar.nth_workday_after(local_date, SERVICE_WORKING_DAYS)
    return end_of_day(day), estimated


def years_for_deadline(submitted_at: datetime) -> set[int]:
    """Years a deadline can reach (the third working day after late December may be in January)."""
    year = submitted_at.astimezone(SHANGHAI).year
    return {year, year + 1}
