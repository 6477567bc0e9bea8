from __future__ import annotations

from datetime import date

from domain.calendar.model import YearCalendar
from domain.shared.actor import Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import InvalidInput
from domain.shared.events import AuditEvent
from domain.shared.uow import UnitOfWork, in_transaction

MIN_YEAR, MAX_YEAR = 2004, 2100


def year_calendar(year: int, holidays: list[date], workdays: list[date]) -> YearCalendar:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(f"a year between {MIN_YEAR} and {MAX_YEAR}", ("input", "year"))
    for name, days in (("holidays", holidays), ("workdays", workdays)):
        for i, day in enumerate(days):
            if day.year != year:
                raise InvalidInput(f"{day} is not in {year}", ("input", name, i))
    for i, day in enumerate(workdays):
        if day.weekday() < 5:
            raise InvalidInput(f"{day} is a weekday; list only weekend days worked in lieu (调休)", ("input", "workdays", i))
    if set(holidays) & set(workdays):
        raise InvalidInput("a day cannot be both a holiday and a working day", ("input", "workdays"))
    return YearCalendar(year, frozenset(holidays), frozenset(workdays))


async def set_working_calendar(uow: UnitOfWork, actor: Actor, clock: Clock, year: int, holidays: list[date],
                               workdays: list[date]) -> YearCalendar:
    """PLATFORM loads a year's official calendar; it takes precedence over the package, and pending appeals whose
    deadline was estimated are recomputed (G4, A4)."""
    actor.require(Role.PLATFORM)
    calendar = year_calendar(year, holidays, workdays)
    now = clock.now()

    async def work(uow: UnitOfWork) -> YearCalendar:
        await uow.calendar.put(calendar, actor.user_id, now)
        await uow.audit.record(AuditEvent.of("calendar", year, "SET", now, actor))
        from domain.appeals.services import recompute_estimated_deadlines

        await recompute_estimated_deadlines(uow)
        return calendar

    return await in_transaction(uow, work)


async def load_calendar(uow: UnitOfWork, years: set[int]):
    from domain.calendar.model import WorkingCalendar

    return WorkingCalendar(await uow.calendar.get_years(sorted(years)))
