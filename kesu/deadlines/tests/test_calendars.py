"""Working-time maths on the real 2026 calendar, to the minute. Pure."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kesu.deadlines.calendars import (
    BusinessHours,
    Unit,
    WorkingCalendar,
    add_countable_time,
    countable_time_between,
    to_timedelta,
)

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def due(start: str, amount: int, unit: str, *, pauses=(), calendar=None) -> dt.datetime | None:
    calendar = calendar or WorkingCalendar()
    working = Unit(unit) in (Unit.WORKING_DAYS, Unit.WORKING_HOURS)
    return add_countable_time(
        at(start),
        to_timedelta(amount, unit, calendar.hours),
        calendar=calendar if working else None,
        pauses=[(at(a), at(b) if b else None) for a, b in pauses],
    )


@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        # Wednesday before National Day (Oct 1–7 off): 6½ h on Sep 30, then Oct 8, Oct 9 and
        # the make-up Saturday Oct 10 until 10:00; one more day skips Sunday Oct 11.
        ("2026-09-30 10:00", 3, "working_days", "2026-10-10 10:00"),
        ("2026-09-30 10:00", 4, "working_days", "2026-10-12 10:00"),
        # Received on the make-up Saturday Oct 10: Sunday Oct 11 is off again.
        ("2026-10-10 10:00", 3, "working_days", "2026-10-14 10:00"),
        # Received in the lunch break: the clock starts at 13:00.
        # (the limit is used up as the morning ends: 12:00, not after lunch)
        ("2026-11-18 12:20", 3, "working_days", "2026-11-23 12:00"),
        ("2026-11-18 12:20", 2, "working_hours", "2026-11-18 15:00"),
        # Received at 17:29: one minute counts that day.
        ("2026-11-18 17:29", 3, "working_days", "2026-11-23 17:29"),
        ("2026-11-18 17:29", 1, "working_hours", "2026-11-19 09:59"),
        # Received after hours: starts next working morning.
        ("2026-11-18 20:00", 1, "working_days", "2026-11-19 17:30"),
        # Crossing lunch: 10:00 + 3 working hours = 14:00.
        ("2026-11-18 10:00", 3, "working_hours", "2026-11-18 14:00"),
        # Crossing into 2027, which the package does not know: plain Monday–Friday, so
        # Friday Jan 1 counts (an administrator enters the holiday to change that).
        ("2026-12-31 10:00", 3, "working_days", "2027-01-05 10:00"),
        # Urgent around the clock: calendar time ignores the holiday.
        ("2026-10-01 23:50", 1, "hours", "2026-10-02 00:50"),
        ("2026-09-30 10:00", 15, "days", "2026-10-15 10:00"),
        # Urgent on a holiday night with a working-time limit waits for Oct 8.
        ("2026-10-01 23:50", 1, "working_hours", "2026-10-08 10:00"),
        # Spring Festival 2026: Feb 15–23 off, Feb 14 and Feb 28 are make-up Saturdays.
        ("2026-02-13 17:00", 1, "working_days", "2026-02-14 17:00"),
        ("2026-02-14 17:00", 1, "working_days", "2026-02-24 17:00"),
    ],
)
def test_deadlines_on_the_real_calendar(start, amount, unit, expected):
    assert due(start, amount, unit) == at(expected)


def test_an_unknown_year_falls_back_to_monday_to_friday_and_says_so():
    calendar = WorkingCalendar()
    due("2026-12-31 10:00", 3, "working_days", calendar=calendar)
    assert calendar.fallback_years == {2027}
    # entering New Year's Day 2027 moves the deadline past it
    calendar = WorkingCalendar(overrides={dt.date(2027, 1, 1): False})
    assert due("2026-12-31 10:00", 3, "working_days", calendar=calendar) == at("2027-01-06 10:00")


def test_administrators_overrides_win_over_the_statutory_calendar():
    # a local holiday on Thursday Nov 19 and a Saturday worked on Nov 21
    calendar = WorkingCalendar(
        overrides={dt.date(2026, 11, 19): False, dt.date(2026, 11, 21): True}
    )
    assert due("2026-11-18 10:00", 2, "working_days", calendar=calendar) == at("2026-11-21 10:00")
    # an entered 2027 day is not a fallback
    calendar = WorkingCalendar(overrides={dt.date(2027, 1, 1): False})
    calendar.is_working_day(dt.date(2027, 1, 1))
    assert calendar.fallback_years == set()


def test_business_hours_without_lunch_and_per_unit():
    hours = BusinessHours(dt.time(8, 30), dt.time(17, 0), None, None)
    calendar = WorkingCalendar(hours=hours)
    assert hours.day_length() == dt.timedelta(hours=8, minutes=30)
    assert due("2026-11-18 12:20", 1, "working_hours", calendar=calendar) == at("2026-11-18 13:20")


@pytest.mark.parametrize(
    "hours",
    [
        (dt.time(17, 0), dt.time(9, 0), None, None),
        (dt.time(9, 0), dt.time(17, 0), dt.time(12, 0), None),
        (dt.time(9, 0), dt.time(17, 0), dt.time(8, 0), dt.time(10, 0)),
    ],
)
def test_impossible_business_hours_are_refused(hours):
    with pytest.raises(ValueError):
        BusinessHours(*hours)


def test_a_pause_moves_the_deadline_by_the_working_time_it_took():
    # paused Thursday 14:00 → Friday 11:00: 3½ h + 2 h = 5½ working hours added on Monday
    paused = due(
        "2026-11-18 10:00", 3, "working_days", pauses=[("2026-11-19 14:00", "2026-11-20 11:00")]
    )
    assert paused == at("2026-11-23 16:30")
    assert due("2026-11-18 10:00", 3, "working_days") == at("2026-11-23 10:00")


def test_an_open_pause_stops_the_clock():
    assert due("2026-11-18 10:00", 3, "working_days", pauses=[("2026-11-19 14:00", None)]) is None
    assert due("2026-11-18 10:00", 3, "days", pauses=[("2026-11-19 14:00", None)]) is None
    # a limit reached before the pause began is still a deadline
    assert due("2026-11-18 10:00", 1, "working_hours", pauses=[("2026-11-19 14:00", None)]) == at(
        "2026-11-18 11:00"
    )


def test_time_used_counts_only_working_time_outside_pauses():
    calendar = WorkingCalendar()
    used = countable_time_between(at("2026-11-18 10:00"), at("2026-11-19 10:00"), calendar=calendar)
    assert used == dt.timedelta(hours=7, minutes=30)
    used = countable_time_between(
        at("2026-11-18 10:00"),
        at("2026-11-19 10:00"),
        calendar=calendar,
        pauses=[(at("2026-11-18 15:00"), at("2026-11-19 09:30"))],
    )
    assert used == dt.timedelta(hours=4, minutes=30)
    assert (
        countable_time_between(at("2026-10-01 10:00"), at("2026-10-07 10:00"), calendar=calendar)
        == dt.timedelta()
    )


# --- properties ---------------------------------------------------------------------

moments = st.datetimes(min_value=dt.datetime(2025, 12, 1), max_value=dt.datetime(2027, 1, 31)).map(
    lambda m: m.replace(second=0, microsecond=0, tzinfo=SH)
)
working_amounts = st.integers(min_value=1, max_value=20)
working_units = st.sampled_from([Unit.WORKING_DAYS, Unit.WORKING_HOURS])


def _due(start, amount, unit, pauses=()):
    calendar = WorkingCalendar()
    return add_countable_time(
        start, to_timedelta(amount, unit, calendar.hours), calendar=calendar, pauses=pauses
    )


@settings(max_examples=150, deadline=None)
@given(start=moments, amount=working_amounts, unit=working_units)
def test_a_working_time_deadline_never_falls_outside_working_time(start, amount, unit):
    deadline = _due(start, amount, unit)
    assert WorkingCalendar().is_working_time(deadline)


@settings(max_examples=150, deadline=None)
@given(start=moments, amount=working_amounts, unit=working_units, later=st.integers(1, 600))
def test_more_time_or_a_later_start_never_gives_an_earlier_deadline(start, amount, unit, later):
    assert _due(start, amount + 1, unit) >= _due(start, amount, unit)
    assert _due(start + dt.timedelta(minutes=later), amount, unit) >= _due(start, amount, unit)


@settings(max_examples=150, deadline=None)
@given(
    start=moments,
    amount=working_amounts,
    unit=working_units,
    offset=st.integers(0, 20_000),
    length=st.integers(1, 20_000),
    calendar_time=st.booleans(),
)
def test_pausing_never_shortens_a_deadline(start, amount, unit, offset, length, calendar_time):
    pause_start = start + dt.timedelta(minutes=offset)
    pause = [(pause_start, pause_start + dt.timedelta(minutes=length))]
    calendar = None if calendar_time else WorkingCalendar()
    duration = to_timedelta(amount, unit, BusinessHours())
    plain = add_countable_time(start, duration, calendar=calendar)
    paused = add_countable_time(start, duration, calendar=calendar, pauses=pause)
    assert paused >= plain


@settings(max_examples=100, deadline=None)
@given(start=moments, amount=working_amounts, unit=working_units)
def test_time_used_up_to_the_deadline_is_the_limit(start, amount, unit):
    calendar = WorkingCalendar()
    duration = to_timedelta(amount, unit, calendar.hours)
    deadline = add_countable_time(start, duration, calendar=calendar)
    assume(deadline is not None)
    assert countable_time_between(start, deadline, calendar=calendar) == duration
