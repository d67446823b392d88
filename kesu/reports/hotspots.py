"""Where, when and what complaints arise in a period: hour of day × weekday (in the firm's
time zone), org unit, category. Counted in the database."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay
from django.utils import timezone

from kesu.complaints.models import Complaint
from kesu.reports.measures import Period


def hotspots(cases: QuerySet[Complaint], period: Period) -> dict:
    """{"when": 7×24 counts (Monday first), "where": [(unit, n)], "what": [(category, n)]}."""
    received = cases.filter(received_at__gte=period.start, received_at__lt=period.end)
    tz = timezone.get_current_timezone()
    grid = [[0] * 24 for _ in range(7)]
    rows = (
        received.annotate(
            day=ExtractIsoWeekDay("received_at", tzinfo=tz),
            hour=ExtractHour("received_at", tzinfo=tz),
        )
        .values("day", "hour")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        grid[row["day"] - 1][row["hour"]] = row["n"]
    where = (
        received.annotate(unit=Coalesce("org_unit__name", "intake_unit__name"))
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit")
    )
    what = (
        received.annotate(name=Coalesce("category__parent__name", "category__name"))
        .values("name")
        .annotate(n=Count("pk"))
        .order_by("-n", "name")
    )
    return {
        "when": grid,
        "where": [(row["unit"] or "—", row["n"]) for row in where],
        "what": [(row["name"] or "—", row["n"]) for row in what],
        "peak": max((max(line) for line in grid), default=0),
    }
