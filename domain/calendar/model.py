"""G4: mainland-China working days, adjusted working weekends (调休) included.

Precedence: a year the platform loaded itself (``setWorkingCalendar``) → the ``chinesecalendar`` package → for a
year neither knows, Monday–Friday, flagged as estimated instead of failing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from domain.shared.clock import SHANGHAI


@dataclass(frozen=True)
class YearCalendar:
    """A year's official holidays and adjusted working days, as the State Council publishes them."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]

    def is_workday(self, day: date) -> bool:
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)


def package_lookup(day: date) -> bool | None:
    """The ``chinesecalendar`` package; ``None`` for a year it does not cover (it raises NotImplementedError)."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


class WorkingCalendar:
    def __init__(self, loaded: dict[int, YearCalendar] | None = None,
                 package: Callable[[date], bool | None] = package_lookup):
        self.loaded = loaded or {}
        self.package = package

    def is_workday(self, day: date) -> tuple[bool, bool]:
        """(is a working day, estimated by the Monday–Friday fallback)."""
        if day.year in self.loaded:
            return self.loaded[day.year].is_workday(day), False
        known = self.package(day)
        if known is not None:
            return known, False
        return day.weekday() < 5, True

    def nth_workday_after(self, day: date, n: int) -> tuple[date, bool]:
        """The n-th working day strictly after ``day``, and whether any step was estimated."""
        estimated, found = False, 0
        while found < n:
            day += timedelta(days=1)
            workday, guessed = self.is_workday(day)
            estimated |= guessed
            found += workday
        return day, estimated


def natural_days_end(at: datetime, days: int) -> datetime:
    """A3/W7: a window of N natural days (自然日) ends at the very end (23:59:59.999999, Asia/Shanghai) of the N-th
    calendar day after the event's calendar date: a ruling at 2026-06-01 10:00 Shanghai, 7 days → 2026-06-08
    23:59:59.999999 Shanghai. The time of day of the event does not matter, only its Shanghai date."""
    day = at.astimezone(SHANGHAI).date() + timedelta(days=days)
    return datetime.combine(day, time.max, SHANGHAI).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """23:59:59 Asia/Shanghai (A4)."""
    return datetime.combine(day, time(23, 59, 59), SHANGHAI)
