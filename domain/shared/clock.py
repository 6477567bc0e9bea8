"""G2/G3: "now" comes from an injectable clock; every instant is timezone-aware."""

from __future__ import annotations

from datetime import UTC, datetime
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
