"""The reports page: the measures for a period by any grouping (with their definitions), and
the monthly and quarterly reports to download or make again."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kesu.complaints.access import complaint_scope_q
from kesu.complaints.models import Complaint
from kesu.quality.services import require_quality_lead
from kesu.reports import kpis
from kesu.reports.hotspots import hotspots
from kesu.reports.measures import Period
from kesu.reports.models import ReportFile
from kesu.reports.periodic import report_make

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QueryForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("period from"), widget=_DATE)
    end = forms.DateField(label=gettext_lazy("period until"), widget=_DATE)
    group = forms.ChoiceField(
        label=gettext_lazy("group by"),
        choices=[
            ("category", gettext_lazy("category")),
            ("department", gettext_lazy("department")),
            ("agent", gettext_lazy("agent")),
            ("channel", gettext_lazy("channel")),
            ("kind", gettext_lazy("kind")),
            ("severity", gettext_lazy("severity")),
            ("segment", gettext_lazy("segment")),
        ],
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class MakeForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=ReportFile.Kind.choices)
    month = forms.DateField(
        label=gettext_lazy("first month"),
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == "quarterly" and data.get("month") and data["month"].month % 3 != 1:
            self.add_error("month", _("A quarter starts in January, April, July or October."))
        return data


@login_required
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    require_quality_lead(request.user)
    today = timezone.localdate()
    first = today.replace(day=1)
    make = MakeForm(request.POST or None, initial={"kind": "monthly"})
    if request.method == "POST" and make.is_valid():
        month = make.cleaned_data["month"].replace(day=1)
        row = report_make(kind=make.cleaned_data["kind"], start=month, actor=request.user)
        messages.success(request, _("Made: %(report)s") % {"report": row})
        return redirect("reports")
    query = QueryForm(
        request.GET or None, initial={"start": first, "end": today, "group": "category"}
    )
    start, end, group = first, today, "category"
    if request.GET and query.is_valid():
        start, end, group = (query.cleaned_data[k] for k in ("start", "end", "group"))
    tz = timezone.get_current_timezone()
    period = Period(
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )
    cases = Complaint.objects.filter(complaint_scope_q(request.user))
    rows = kpis.breakdown(cases, period, group)
    labels = {name: kpis.short_label(name) for name in kpis.MEASURE_NAMES}

    def shown(values: dict) -> list[tuple[str, str, str]]:
        return [
            (name, labels[name], kpis.formatted(name, values[name])) for name in kpis.MEASURE_NAMES
        ]

    return render(
        request,
        "reports/reports.html",
        {
            "section": "reports",
            "query": query,
            "make": make,
            "whole": shown(kpis.kpis(cases, period)),
            "rows": [(row["group"], shown(row)) for row in rows],
            "labels": [labels[name] for name in kpis.MEASURE_NAMES],
            "definitions": {k: str(v) for k, v in kpis.DEFINITIONS.items()},
            "chart": {
                "groups": [r["group"] or "—" for r in rows],
                "intake": [r["intake"] for r in rows],
            },
            "files": ReportFile.objects.all()[:50],
            "hot": _heat(hotspots(cases, period)),
            "hours": range(24),
        },
        status=422 if (request.GET and not query.is_valid()) or request.method == "POST" else 200,
    )


def _heat(data: dict) -> dict:
    """The week grid with a shade (0–1) per cell, for the table that draws it."""
    peak = data["peak"] or 1
    days = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    data["grid"] = [
        (days[i], [(n, round(0.08 + 0.92 * n / peak, 2) if n else 0) for n in line])
        for i, line in enumerate(data["when"])
    ]
    return data


@login_required
@require_GET
def report_file(request: HttpRequest, report_id: int, fmt: str) -> HttpResponse:
    require_quality_lead(request.user)
    row = ReportFile.objects.filter(pk=report_id).first()
    if row is None or fmt not in ("xlsx", "pdf"):
        raise Http404("no such report")
    return FileResponse(
        getattr(row, fmt).open("rb"),
        as_attachment=True,
        filename=f"{row.kind}-{row.period_start:%Y-%m}.{fmt}",
    )
