"""/api/v1/reports: the measures for a period, whole or by a grouping; each with its
definition. Thin: parse, compute within the reader's scope, present."""

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import model_validator

from kesu.complaints.access import complaint_scope_q
from kesu.complaints.models import Complaint
from kesu.complaints.schemas import ErrorOut
from kesu.reports import kpis
from kesu.reports.measures import Period

router = Router(tags=["reports"])
_ERRORS = {code: ErrorOut for code in (401, 403, 422)}
GroupName = Literal["category", "department", "agent", "channel", "kind", "severity", "segment"]


class PeriodIn(Schema):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def ordered(self):
        if self.end < self.start:
            raise ValueError("end is before start")
        if (self.end - self.start).days > 3660:
            raise ValueError("at most ten years at once")
        return self


class BreakdownIn(PeriodIn):
    group: GroupName


def _period(data: PeriodIn) -> Period:
    tz = timezone.get_current_timezone()
    return Period(
        dt.datetime.combine(data.start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(data.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def _cases(request) -> object:
    return Complaint.objects.filter(complaint_scope_q(request.user))


@router.get("/reports/kpis", response={200: dict, **_ERRORS})
def report_kpis(request: HttpRequest, period: Query[PeriodIn]):
    """Every measure for the period (both days included), within what you may see."""
    return {
        "measures": kpis.kpis(_cases(request), _period(period)),
        "definitions": {k: str(v) for k, v in kpis.DEFINITIONS.items()},
    }


@router.get("/reports/breakdown", response={200: dict, **_ERRORS})
def report_breakdown(request: HttpRequest, query: Query[BreakdownIn]):
    """Every measure per category, department, agent, channel, kind, severity or segment."""
    return {
        "group": query.group,
        "rows": kpis.breakdown(_cases(request), _period(query), query.group),
        "definitions": {k: str(v) for k, v in kpis.DEFINITIONS.items()},
    }


@router.get("/reports/trend", response={200: dict, **_ERRORS})
def report_trend(request: HttpRequest, weeks: int = 26, horizon: int = 8):
    """Weekly intake per category, the forecast for the next weeks with 95% intervals, and
    whether the last complete week is a spike."""
    from kesu.core import clock
    from kesu.core.errors import ValidationFailed
    from kesu.reports.trend import trend

    if not 8 <= weeks <= 260 or not 1 <= horizon <= 26:
        raise ValidationFailed(
            "weeks is 8 to 260, horizon 1 to 26", fields={"weeks": "8–260", "horizon": "1–26"}
        )
    return trend(_cases(request), weeks=weeks, horizon=horizon, now=clock.now())


@router.get("/reports/hotspots", response={200: dict, **_ERRORS})
def report_hotspots(request: HttpRequest, period: Query[PeriodIn]):
    """When (weekday × hour), where (org unit) and what (category) complaints arise."""
    from kesu.reports.hotspots import hotspots

    return hotspots(_cases(request), _period(period))
