"""G4 working days and A4 deadlines on the domain."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.appeals import rules
from domain.appeals.model import AppealKind
from domain.calendar.model import WorkingCalendar, YearCalendar
from domain.calendar.services import year_calendar
from domain.shared.clock import SHANGHAI
from domain.shared.errors import InvalidInput

CAL = WorkingCalendar()


def cst(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def due(submitted: datetime, calendar: WorkingCalendar = CAL) -> tuple[datetime, bool]:
    return rules.due_at(submitted, calendar)


@pytest.mark.parametrize("day, workday", [
    (date(2026, 9, 25), False),  # Mid-Autumn Festival (Friday)
    (date(2026, 9, 20), True),   # adjusted working Sunday
    (date(2026, 10, 7), False),  # National Day week
    (date(2026, 10, 10), True),  # adjusted working Saturday
    (date(2026, 10, 11), False),
    (date(2026, 2, 14), True),   # Spring Festival: adjusted working Saturday
    (date(2026, 2, 23), False),
])
def test_2026_from_the_package(day, workday):
    assert CAL.is_workday(day) == (workday, False)


def test_mid_autumn_week():
    # Thu 24 Sep → Fri–Sun off → Mon 28, Tue 29, Wed 30
    assert due(cst(2026, 9, 24, 10)) == (cst(2026, 9, 30, 23, 59, 59), False)


def test_national_day_week_ends_on_an_adjusted_saturday():
    # Wed 30 Sep → 1–7 Oct off → Thu 8, Fri 9, Sat 10 (worked in lieu)
    assert due(cst(2026, 9, 30, 18)) == (cst(2026, 10, 10, 23, 59, 59), False)


def test_an_adjusted_working_sunday_counts():
    # Fri 18 Sep → Sun 20 (worked), Mon 21, Tue 22
    assert due(cst(2026, 9, 18, 9)) == (cst(2026, 9, 22, 23, 59, 59), False)


def test_the_submission_date_is_taken_in_shanghai():
    late_utc = datetime(2026, 9, 23, 17, 0, tzinfo=UTC)  # already Thursday 24 Sep 01:00 in Shanghai
    assert due(late_utc) == due(cst(2026, 9, 24, 1))
    assert due(late_utc)[0].astimezone(UTC) == datetime(2026, 9, 30, 15, 59, 59, tzinfo=UTC)


def test_a_year_the_package_does_not_know_falls_back_to_weekdays_flagged():
    assert CAL.is_workday(date(2030, 1, 1)) == (True, True)  # a holiday in reality; estimated here
    assert due(cst(2030, 6, 7, 12)) == (cst(2030, 6, 12, 23, 59, 59), True)  # Fri → Mon, Tue, Wed


def test_year_boundary_into_an_unknown_year_is_estimated():
    # Wed 30 Dec 2026 → Thu 31 Dec (known), Fri 1 Jan 2027 (guessed), Mon 4 Jan (guessed)
    assert due(cst(2026, 12, 30, 10)) == (cst(2027, 1, 4, 23, 59, 59), True)


def test_a_loaded_year_takes_precedence_and_is_exact():
    y2027 = year_calendar(2027, [date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)], [])
    calendar = WorkingCalendar({2027: y2027})
    assert due(cst(2026, 12, 30, 10), calendar) == (cst(2027, 1, 5, 23, 59, 59), False)
    # and over the package for a year it knows
    override = WorkingCalendar({2026: YearCalendar(2026, frozenset({date(2026, 11, 3)}), frozenset())})
    assert override.is_workday(date(2026, 11, 3)) == (False, False)


def test_year_calendar_validation():
    with pytest.raises(InvalidInput):
        year_calendar(2027, [date(2026, 12, 31)], [])
    with pytest.raises(InvalidInput):
        year_calendar(2027, [], [date(2027, 1, 4)])  # a Monday is not a day worked in lieu
    with pytest.raises(InvalidInput):
        year_calendar(2027, [date(2027, 2, 6)], [date(2027, 2, 6)])


def test_a3_windows_end_at_the_end_of_the_nth_natural_day():
    """A3 (revised): N natural days end at 23:59:59.999999 Shanghai on the N-th calendar day after the event's date,
    whatever the time of the event — not N×24 h later, as the first reading had it."""
    ruling = cst(2026, 6, 1, 10)
    assert rules.deadline(AppealKind.ARBITRATION, ruling) == cst(2026, 6, 8, 23, 59, 59, 999999)
    assert rules.within_window(AppealKind.ARBITRATION, ruling, cst(2026, 6, 8, 23, 59, 59, 999999))
    assert not rules.within_window(AppealKind.ARBITRATION, ruling, cst(2026, 6, 9))
    # the old reading closed at 06-08 10:00; an appeal at 15:00 that day is in time
    assert rules.within_window(AppealKind.COMPENSATION, ruling, cst(2026, 6, 8, 15))
    review = cst(2026, 5, 1, 23, 59)
    assert rules.deadline(AppealKind.REVIEW, review) == cst(2026, 5, 31, 23, 59, 59, 999999)
    # the Shanghai date counts, not the UTC one: 2026-06-01 00:30 Shanghai is still 05-31 in UTC
    early = cst(2026, 6, 1, 0, 30).astimezone(UTC)
    assert rules.deadline(AppealKind.RETURN_RATE, early) == cst(2026, 6, 8, 23, 59, 59, 999999)
    assert rules.deadline(AppealKind.RETURN_RATE, early).tzinfo is UTC  # stored instants are UTC (G2)


def test_a5_experience_score():
    from domain.appeals.services import experience_score

    score = experience_score(rating_sum=9, counted_reviews=2, counted_claims=1, delivered_orders=4)
    assert (score.review_rating, score.return_rate) == (4.5, 0.25)
    empty = experience_score(0, 0, 0, 0)
    assert (empty.review_rating, empty.return_rate) == (None, 0.0)
