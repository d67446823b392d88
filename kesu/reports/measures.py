"""Measures, each with one definition, computed by aggregation in the database.

Every function takes the cases already narrowed to what the reader may see, and a period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from kesu.complaints.models import Complaint

FINISHED = ["closed", "not_accepted"]


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
    return cases.exclude(status__in=FINISHED).count()


def at_risk(cases: QuerySet[Complaint], now: dt.datetime) -> int:
    """At risk: the running deadline's time is 80% used, not yet passed, clock not paused."""
    return cases.filter(
        at_risk_at__lte=now, next_due_at__gt=now, is_awaiting_customer=False
    ).count()


def overdue(cases: QuerySet[Complaint], now: dt.datetime) -> int:
    """Overdue: the running deadline has passed and the clock is not paused."""
    return cases.filter(next_due_at__lte=now, is_awaiting_customer=False).count()


def resolution_timeliness(cases: QuerySet[Complaint], period: Period) -> float | None:
    """及时率: of the cases first answered in the period that had a resolution limit, the
    share answered by it. None when there were none."""
    answered = cases.filter(
        answered_at__gte=period.start, answered_at__lt=period.end, resolution_met__isnull=False
    ).aggregate(total=Count("pk"), met=Count("pk", filter=Q(resolution_met=True)))
    return answered["met"] / answered["total"] if answered["total"] else None


def satisfaction(cases: QuerySet[Complaint], period: Period) -> float | None:
    """满意度: of the revisits recorded in the period, the share where the customer said they
    were satisfied. None when there were none."""
    revisited = cases.filter(
        revisited_at__gte=period.start,
        revisited_at__lt=period.end,
        is_customer_satisfied__isnull=False,
    ).aggregate(total=Count("pk"), satisfied=Count("pk", filter=Q(is_customer_satisfied=True)))
    return revisited["satisfied"] / revisited["total"] if revisited["total"] else None


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
    rows = (
        cases.filter(received_at__gte=first)
        .annotate(week=TruncWeek("received_at", tzinfo=local_now.tzinfo))
        .values("week", "category__parent__name", "category__name", "category__parent_id")
        .annotate(n=Count("pk"))
    )
    series: dict[str, list[int]] = {}
    for row in rows:
        name = row["category__parent__name"] or row["category__name"] or ""
        week = row["week"].date() if isinstance(row["week"], dt.datetime) else row["week"]
        if week not in week_starts:
            continue
        series.setdefault(name, [0] * weeks)[week_starts.index(week)] += row["n"]
    return week_starts, dict(sorted(series.items()))


def dashboard_figures(cases: QuerySet[Complaint], *, now: dt.datetime) -> tuple[dict, dict]:
    """The dashboard's figures: today, now, this month against last, and 12 weeks of intake."""
    local = timezone.localtime(now)
    today = Period(local.replace(hour=0, minute=0, second=0, microsecond=0), now)
    this_month, last_month = month_of(now), month_of(now, months_back=1)
    weeks, series = weekly_intake_by_category(cases, weeks=12, now=now)
    figures = {
        "intake_today": intake(cases, today),
        "backlog": backlog(cases),
        "at_risk": at_risk(cases, now),
        "overdue": overdue(cases, now),
        "timeliness": (
            resolution_timeliness(cases, this_month),
            resolution_timeliness(cases, last_month),
        ),
        "satisfaction": (satisfaction(cases, this_month), satisfaction(cases, last_month)),
    }
    return figures, {"weeks": [week.isoformat() for week in weeks], "series": series}
