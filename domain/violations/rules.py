"""The pure rules of SPEC section V."""

from __future__ import annotations

from datetime import datetime

from domain.calendar.model import natural_days_end
from domain.violations.model import Violation

APPEAL_WINDOW_DAYS = 7  # V3, natural days after the recording (A3)


def appeal_deadline(violation: Violation) -> datetime | None:
    """V3/A3: the last instant a VIOLATION appeal may be filed: the end of the 7th natural day (Asia/Shanghai)
    after the recording; None once the violation was withdrawn (nothing left to appeal)."""
    if not violation.in_force:
        return None
    return natural_days_end(violation.recorded_at, APPEAL_WINDOW_DAYS)


def settled(deposit_fen: int) -> bool:
    """V2: a SERVICE_PROMISE_BREACH is withdrawn once the shop's deposit is back to zero or more (the compensation
    was in the end paid)."""
    return deposit_fen >= 0
