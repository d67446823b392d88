"""The dashboard's figures: what is open now, and this month against the last.

The month's figures are the reporting measures themselves (kesu.reports.kpis), so the
dashboard, the API and the exports give one number for one measure.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from kesu.complaints.models import Complaint
from kesu.reports import kpis, measures
from kesu.reports.measures import Period, month_of

MONTH_MEASURES = (
    "intake",
    "closed",
    "response_timeliness",
    "resolution_timeliness",
    "satisfaction",
    "avg_handling_hours",
)


def figures(cases: QuerySet[Complaint], *, now: dt.datetime) -> tuple[dict, dict]:
    """({"now": {...}, "month": [(name, label, definition, this, last)]}, 12 weeks' chart)."""
    local = timezone.localtime(now)
    today = Period(local.replace(hour=0, minute=0, second=0, microsecond=0), now)
    this = kpis.compute(cases, month_of(now), measures=MONTH_MEASURES)[None]
    last = kpis.compute(cases, month_of(now, months_back=1), measures=MONTH_MEASURES)[None]
    weeks, series = measures.weekly_intake_by_category(cases, weeks=12, now=now)
    result = {
        "now": {
            "intake_today": measures.intake(cases, today),
            "backlog": measures.backlog(cases),
            "at_risk": measures.at_risk(cases, now),
            "overdue": measures.overdue(cases, now),
        },
        "month": [
            (
                name,
                kpis.short_label(name),
                str(kpis.DEFINITIONS[name]),
                kpis.formatted(name, this[name]),
                kpis.formatted(name, last[name]),
            )
            for name in MONTH_MEASURES
        ],
    }
    return result, {"weeks": [week.isoformat() for week in weeks], "series": series}
