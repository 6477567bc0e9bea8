"""G2/G3: "now" comes from an injectable clock; every instant is timezone-aware."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from domain.shared.errors import InvalidInput

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that reads a set instant; tests move it forward instead of sleeping."""

    def __init__(self, at: datetime):
        self.at = require_aware(at)

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.at = self.at + timedelta(**delta)


def require_aware(at: datetime, field: tuple[str, ...] | None = None) -> datetime:
    """G2: reject naive instants, normalise to UTC."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput("a date-time needs a UTC offset, e.g. 2026-11-23T10:00:00+08:00", field)
    return at.astimezone(UTC)


def shanghai_day(day: date, *, end: bool = False) -> datetime:
    """H6: the first instant of a Shanghai calendar day, in UTC; with ``end``, the first instant after it (a period
    ``[from, to)`` given as dates then covers the ``to`` day too)."""
    start = datetime.combine(day + timedelta(days=1) if end else day, time(), SHANGHAI)
    return start.astimezone(UTC)
