"""The pure rules of SPEC section A."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.appeals.model import AppealKind, ReviewAppealGround as G, ReviewAppealOutcome as O
from domain.calendar.model import WorkingCalendar, end_of_day
from domain.shared.clock import SHANGHAI

WINDOWS = {AppealKind.REVIEW: timedelta(days=30), AppealKind.ARBITRATION: timedelta(days=7),
           AppealKind.COMPENSATION: timedelta(days=7), AppealKind.RETURN_RATE: timedelta(days=7)}
SERVICE_WORKING_DAYS = 3
ROLLING = timedelta(days=30)

DEFAULT_OUTCOME = {  # A5 [decision on the mapping]
    G.ABUSIVE_CONTENT: O.SELF_VISIBLE, G.ADVERTISING: O.SELF_VISIBLE, G.PRIVACY_LEAK: O.SELF_VISIBLE,
    G.EXTORTION: O.EXCLUDED_FROM_SCORE, G.MALICIOUS_COMPETITION: O.EXCLUDED_FROM_SCORE,
    G.INFLUENCER_MISCONDUCT: O.EXCLUDED_FROM_SCORE,
}


def within_window(kind: AppealKind, window_start: datetime, now: datetime) -> bool:
    """A3: N days end at the same clock time N×24 h later, inclusive."""
    return now <= window_start + WINDOWS[kind]


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
