from __future__ import annotations

from datetime import date

from domain.calendar.model import WorkingCalendar, YearCalendar
from domain.shared.errors import InvalidInput
from domain.shared.messages import msg
from domain.shared.uow import UnitOfWork

MIN_YEAR, MAX_YEAR = 2004, 2100


def year_calendar(year: int, holidays: list[date], workdays: list[date]) -> YearCalendar:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(msg("a year between {min} and {max}", min=MIN_YEAR, max=MAX_YEAR), ("input", "year"))
    for name, days in (("holidays", holidays), ("workdays", workdays)):
        for i, day in enumerate(days):
            if day.year != year:
                raise InvalidInput(msg("{day} is not in {year}", day=day, year=year), ("input", name, i))
    for i, day in enumerate(workdays):
        if day.weekday() < 5:
            raise InvalidInput(
                msg("{day} is a weekday; list only weekend days worked in lieu (调休)",
                    day=day), ("input", "workdays", i)
            )
    if set(holidays) & set(workdays):
        raise InvalidInput("a day cannot be both a holiday and a working day", ("input", "workdays"))
    return YearCalendar(year, frozenset(holidays), frozenset(workdays))


async def load_calendar(uow: UnitOfWork, years: set[int]) -> WorkingCalendar:
    return WorkingCalendar(await uow.calendar.get_years(sorted(years)))
