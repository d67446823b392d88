"""Measures, each with one definition, computed by aggregation in the database.

Every function takes the cases already narrowed to what the reader may see, and a period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from kesu.complaints.models import Complaint
from kesu.complaints.workflow import OPEN_STATUSES

# Named positively so that the (status, received_at) index serves the count.
OPEN = sorted(OPEN_STATUSES)


@dataclass(frozen=True)
class Period:
    start: dt.datetime
    end: dt.datetime


def month_of(moment: dt.datetime, *, months_back: int = 0) -> Period:
    """The calendar month (in the firm's time zone) that holds `moment`, or one before it."""
    local = timezone.localtime(moment)
    year, month = local.year, local.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    start = local.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return Period(start, end)


def intake(cases: QuerySet[Complaint], period: Period) -> int:
    """Intake: cases received in the period (every kind)."""
    return cases.filter(received_at__gte=period.start, received_at__lt=period.end).count()


def backlog(cases: QuerySet[Complaint]) -> int:
    """Backlog: cases open now (neither closed nor not accepted)."""
    return cases.filter(status__in=OPEN).count()


def at_risk(cases: QuerySet[Complaint], now: dt.datetime) -> int:
    """At risk: the running deadline's time is 80% used, not yet passed, clock not paused."""
    return cases.filter(
        at_risk_at__lte=now, next_due_at__gt=now, is_awaiting_customer=False
    ).count()


def overdue(cases: QuerySet[Complaint], now: dt.datetime) -> int:
    """Overdue: the running deadline has passed and the clock is not paused."""
    return cases.filter(next_due_at__lte=now, is_awaiting_customer=False).count()


def weekly_intake_by_category(
    cases: QuerySet[Complaint], *, weeks: int, now: dt.datetime
) -> tuple[list[dt.date], dict[str, list[int]]]:
    """Intake per week (Monday first) for the last `weeks` weeks, per top-level category
    (a case without a category counts under ""). Returns the weeks and a series per category."""
    local_now = timezone.localtime(now)
    this_monday = (local_now - dt.timedelta(days=local_now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    first = this_monday - dt.timedelta(weeks=weeks - 1)
    week_starts = [(first + dt.timedelta(weeks=i)).date() for i in range(weeks)]
    # The week as a number from comparisons on the indexed column, not a date function per
    # row (SQLite's are Python functions: slow at a million rows).
    bounds = [first + dt.timedelta(weeks=i) for i in range(1, weeks)]
    week = Case(
        *(When(received_at__lt=bound, then=Value(i)) for i, bound in enumerate(bounds)),
        default=Value(weeks - 1),
    )
    rows = (
        cases.filter(received_at__gte=first)
        .annotate(week=week, top=Coalesce("category__parent__name", "category__name"))
        .values("week", "top")
        .annotate(n=Count("pk"))
    )
    series: dict[str, list[int]] = {}
    for row in rows:
        series.setdefault(row["top"] or "", [0] * weeks)[row["week"]] += row["n"]
    return week_starts, dict(sorted(series.items()))
