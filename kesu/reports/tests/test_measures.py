"""The dashboard's measures on a fixture with known answers: those of now, and the month's,
which are the reporting measures themselves."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import receive
from kesu.core import clock
from kesu.reports import dashboard, kpis, measures

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=SH)


def made(firm, when: str, **fields) -> Complaint:
    with clock.frozen(dt.datetime.fromisoformat(when).replace(tzinfo=SH)):
        case = receive(firm)
    Complaint.objects.filter(pk=case.pk).update(**fields)
    return case


def test_months_are_calendar_months_in_the_firms_zone():
    november = measures.month_of(NOW)
    assert (november.start, november.end) == (
        dt.datetime(2026, 11, 1, tzinfo=SH),
        dt.datetime(2026, 12, 1, tzinfo=SH),
    )
    january = measures.month_of(dt.datetime(2026, 1, 15, tzinfo=SH), months_back=1)
    assert january.start == dt.datetime(2025, 12, 1, tzinfo=SH)


def test_intake_backlog_timeliness_and_satisfaction(firm, categories):
    november = measures.month_of(NOW)
    october = measures.month_of(NOW, months_back=1)
    answered_nov = dt.datetime(2026, 11, 10, 10, tzinfo=SH)
    made(
        firm,
        "2026-11-02 10:00",
        status="closed",
        answered_at=answered_nov,
        resolution_met=True,
        revisited_at=answered_nov,
        is_customer_satisfied=True,
    )
    made(
        firm,
        "2026-11-03 10:00",
        status="closed",
        answered_at=answered_nov,
        resolution_met=False,
        revisited_at=answered_nov,
        is_customer_satisfied=False,
    )
    made(
        firm,
        "2026-11-04 10:00",
        status="in_progress",
        answered_at=answered_nov,
        resolution_met=True,
    )
    made(
        firm,
        "2026-10-20 10:00",
        status="closed",
        answered_at=dt.datetime(2026, 10, 22, tzinfo=SH),
        resolution_met=True,
    )
    made(firm, "2026-11-23 09:00")
    cases = Complaint.objects.all()
    assert measures.intake(cases, november) == 4
    assert measures.intake(cases, measures.Period(dt.datetime(2026, 11, 23, tzinfo=SH), NOW)) == 1
    assert measures.backlog(cases) == 2
    assert kpis.kpis(cases, november)["resolution_timeliness"] == pytest.approx(0.6667)
    assert kpis.kpis(cases, october)["resolution_timeliness"] == 1.0
    assert kpis.kpis(cases, november)["satisfaction"] == 0.5
    assert kpis.kpis(cases, october)["satisfaction"] is None


def test_weekly_intake_by_category_counts_each_week_from_monday(firm, categories):
    made(firm, "2026-11-23 09:00")  # Monday, A01 → 服务态度
    made(firm, "2026-11-22 23:00")  # Sunday before
    made(firm, "2026-11-16 00:10")  # the Monday before, just after midnight
    with clock.frozen(NOW):
        case = receive(firm, category=None)
    weeks, series = measures.weekly_intake_by_category(Complaint.objects.all(), weeks=2, now=NOW)
    assert weeks == [dt.date(2026, 11, 16), dt.date(2026, 11, 23)]
    assert series == {"服务态度": [2, 1], "": [0, 1]}
    assert case.category is None


def test_the_dashboard_figures_put_this_month_beside_last(firm, categories):
    made(firm, "2026-11-23 09:00")
    made(
        firm,
        "2026-11-02 10:00",
        status="closed",
        answered_at=dt.datetime(2026, 11, 5, tzinfo=SH),
        resolution_met=False,
    )
    made(
        firm,
        "2026-10-12 10:00",
        status="closed",
        answered_at=dt.datetime(2026, 10, 14, tzinfo=SH),
        resolution_met=True,
    )
    figures, chart = dashboard.figures(Complaint.objects.all(), now=NOW)
    assert (figures["now"]["intake_today"], figures["now"]["backlog"]) == (1, 1)
    month = {name: (this, last) for name, _label, _definition, this, last in figures["month"]}
    assert month["intake"] == ("2", "1")
    assert month["resolution_timeliness"] == ("0.0%", "100.0%")
    assert month["satisfaction"] == ("—", "—")
    assert len(chart["weeks"]) == 12 and chart["weeks"][-1] == "2026-11-23"
