"""Working-time maths on China's calendar. Pure: no ORM, no clock; time is passed in.

Working time is counted by intervals (one day's business hours at a time), never by stepping
through minutes. A "working day" is one day's business hours: with 09:00–17:30 and a lunch
break of 12:00–13:00 it is 7½ hours, so 3 working days from Wednesday 10:00 end at 10:00 on
the third working day after, skipping weekends, holidays and the lunch break, and counting
make-up working days (调休).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

import chinese_calendar

Interval = tuple[dt.datetime, dt.datetime | None]

# A calendar with no working day in ten years is broken; stop rather than loop forever.
_MAX_DAYS = 3660


class Unit(StrEnum):
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"


WORKING_UNITS = frozenset({Unit.WORKING_HOURS, Unit.WORKING_DAYS})


@dataclass(frozen=True)
class BusinessHours:
    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(17, 30)
    lunch_start: dt.time | None = dt.time(12, 0)
    lunch_end: dt.time | None = dt.time(13, 0)

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("business hours must start before they end")
        if (self.lunch_start is None) != (self.lunch_end is None):
            raise ValueError("a lunch break needs both a start and an end")
        if self.lunch_start is not None and not (
            self.start < self.lunch_start < self.lunch_end < self.end
        ):
            raise ValueError("the lunch break must lie inside business hours")

    def spans(self) -> list[tuple[dt.time, dt.time]]:
        if self.lunch_start is None:
            return [(self.start, self.end)]
        return [(self.start, self.lunch_start), (self.lunch_end, self.end)]

    def day_length(self) -> dt.timedelta:
        day = dt.date(2000, 1, 3)
        return sum(
            (dt.datetime.combine(day, b) - dt.datetime.combine(day, a) for a, b in self.spans()),
            dt.timedelta(),
        )


def statutory_working_day(day: dt.date) -> bool | None:
    """China's statutory answer for `day` (holidays and 调休), or None for a year the
    chinesecalendar package does not know."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


@dataclass
class WorkingCalendar:
    """Which days are working days and when, in one time zone."""

    hours: BusinessHours = field(default_factory=BusinessHours)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    # Administrators' entries win over the statutory calendar: date → is a working day.
    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    statutory: Callable[[dt.date], bool | None] = statutory_working_day
    # Years for which neither an override nor the statutory calendar knew a day.
    fallback_years: set[int] = field(default_factory=set)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        known = self.statutory(day)
        if known is None:
            # Unknown year: plain Monday–Friday, and remember that we guessed.
            self.fallback_years.add(day.year)
            return day.weekday() < 5
        return known

    def working_spans(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        if not self.is_working_day(day):
            return []
        return [
            (
                dt.datetime.combine(day, a, tzinfo=self.zone),
                dt.datetime.combine(day, b, tzinfo=self.zone),
            )
            for a, b in self.hours.spans()
        ]

    def is_working_time(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(self.zone)
        return any(a <= local <= b for a, b in self.working_spans(local.date()))


def to_timedelta(amount: int, unit: Unit | str, hours: BusinessHours) -> dt.timedelta:
    """How much countable time `amount` `unit` is."""
    unit = Unit(unit)
    if amount < 0:
        raise ValueError("a time limit cannot be negative")
    return {
        Unit.MINUTES: dt.timedelta(minutes=amount),
        Unit.HOURS: dt.timedelta(hours=amount),
        Unit.DAYS: dt.timedelta(days=amount),
        Unit.WORKING_HOURS: dt.timedelta(hours=amount),
        Unit.WORKING_DAYS: amount * hours.day_length(),
    }[unit]


def _minus_pauses(
    start: dt.datetime, end: dt.datetime | None, pauses: Sequence[Interval]
) -> Iterator[tuple[dt.datetime, dt.datetime | None]]:
    """[start, end) with the paused intervals cut out; an open pause cuts to the end."""
    cursor: dt.datetime | None = start
    for pause_start, pause_end in sorted(pauses, key=lambda p: p[0]):
        if cursor is None:
            return
        if end is not None and pause_start >= end:
            break
        if pause_end is not None and pause_end <= cursor:
            continue
        if pause_start > cursor:
            yield cursor, pause_start
        cursor = None if pause_end is None else max(cursor, pause_end)
    if cursor is not None and (end is None or cursor < end):
        yield cursor, end


def countable_spans(
    start: dt.datetime, *, calendar: WorkingCalendar | None, pauses: Sequence[Interval] = ()
) -> Iterator[tuple[dt.datetime, dt.datetime | None]]:
    """The time that counts towards a limit from `start` on, in order.

    Calendar time (calendar=None) counts everything; working time counts business hours on
    working days. Paused time never counts. An open-ended span (None) means "for ever".
    """
    if calendar is None:
        yield from _minus_pauses(start, None, pauses)
        return
    # An open pause stops the clock for good (until it is closed and this is asked again).
    stopped_at = min((p_start for p_start, p_end in pauses if p_end is None), default=None)
    day = start.astimezone(calendar.zone).date()
    for _ in range(_MAX_DAYS):
        for a, b in calendar.working_spans(day):
            if stopped_at is not None and a >= stopped_at:
                return
            if b <= start:
                continue
            yield from _minus_pauses(max(a, start), b, pauses)
        day += dt.timedelta(days=1)
    raise ValueError("no working time within ten years: check the calendar")


def add_countable_time(
    start: dt.datetime,
    duration: dt.timedelta,
    *,
    calendar: WorkingCalendar | None,
    pauses: Sequence[Interval] = (),
) -> dt.datetime | None:
    """The moment `duration` of countable time after `start`; None while a pause is open and
    the limit is not reached before it (the clock is stopped)."""
    remaining = duration
    for a, b in countable_spans(start, calendar=calendar, pauses=pauses):
        if b is None:
            return a + remaining
        if b - a >= remaining:
            return a + remaining
        remaining -= b - a
    return None


def countable_time_between(
    start: dt.datetime,
    end: dt.datetime,
    *,
    calendar: WorkingCalendar | None,
    pauses: Sequence[Interval] = (),
) -> dt.timedelta:
    """How much countable time lies between `start` and `end`."""
    total = dt.timedelta()
    if end <= start:
        return total
    for a, b in countable_spans(start, calendar=calendar, pauses=pauses):
        if a >= end:
            break
        total += min(b or end, end) - a
        if b is None or b >= end:
            break
    return total
