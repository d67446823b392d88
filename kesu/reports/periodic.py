"""The monthly summary and the quarterly report: their content (one set of figures, from
kpis), a formatted workbook and a PDF of it, and the stored file."""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.complaints.models import Complaint
from kesu.core import clock
from kesu.reports import kpis
from kesu.reports.measures import Period
from kesu.reports.models import ReportFile

SHOWN = (
    "intake",
    "closed",
    "backlog",
    "overdue",
    "response_timeliness",
    "resolution_timeliness",
    "avg_handling_hours",
    "p90_handling_hours",
    "satisfaction",
    "resolution_success",
    "repeat_rate",
    "escalation_rate",
    "revisit_rate",
    "justified_share",
    "valid_complaint_rate",
)
RATES = {
    n
    for n in SHOWN
    if n.endswith(("timeliness", "rate", "share", "success")) or n == "satisfaction"
} - {"valid_complaint_rate"}


def _shift(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def bounds(kind: str, start: dt.date) -> tuple[dt.date, dt.date]:
    """The period (first day, first day after) a report of `kind` starting at `start` covers."""
    if start.day != 1 or (kind == "quarterly" and start.month % 3 != 1):
        raise ValueError("a report starts on the first day of a month (or quarter)")
    return start, _shift(start, 3 if kind == "quarterly" else 1)


def _period(first: dt.date, after: dt.date) -> Period:
    tz = timezone.get_current_timezone()
    return Period(
        dt.datetime.combine(first, dt.time.min, tzinfo=tz),
        dt.datetime.combine(after, dt.time.min, tzinfo=tz),
    )


def report_content(*, kind: str, start: dt.date, cases=None) -> dict:
    """Everything a report says, as plain data."""
    cases = cases if cases is not None else Complaint.objects.all()
    first, after = bounds(kind, start)
    months = 3 if kind == "quarterly" else 1
    period = _period(first, after)
    previous = _period(_shift(first, -months), first)
    last_year = _period(_shift(first, -12), _shift(after, -12))
    now, before, year_ago = (kpis.kpis(cases, p) for p in (period, previous, last_year))
    tables = {
        group: kpis.breakdown(cases, period, group)
        for group in ("category", "department", "channel")
    }
    overdue = (
        cases.filter(resolution_due__gte=period.start, resolution_due__lt=period.end)
        .exclude(resolution_met=True)
        .exclude(status="not_accepted")
        .select_related("category", "org_unit")
        .order_by("resolution_due")[:50]
    )
    notable = (
        cases.filter(received_at__gte=period.start, received_at__lt=period.end)
        .filter(Q(severity="urgent") | Q(escalation_level__gte=2) | Q(risk="high"))
        .select_related("category")
        .order_by("-escalation_level", "received_at")[:20]
    )
    from kesu.quality.models import CorrectiveAction

    actions = CorrectiveAction.objects.all()
    return {
        "kind": kind,
        "first": first,
        "last": after - dt.timedelta(days=1),
        "measures": [(name, now[name], before[name], year_ago[name]) for name in SHOWN],
        "tables": tables,
        "top_categories": tables["category"][:5],
        "top_departments": tables["department"][:5],
        "overdue": [
            (
                c.number,
                str(c.category or ""),
                str(c.org_unit or ""),
                timezone.localtime(c.resolution_due).strftime("%Y-%m-%d %H:%M"),
                c.get_status_display(),
            )
            for c in overdue
        ],
        "notable": [
            (
                c.number,
                str(c.category or ""),
                c.get_severity_display(),
                c.escalation_level,
                c.description[:80],
            )
            for c in notable
        ],
        "actions": {
            "opened": actions.filter(
                created_at__gte=period.start, created_at__lt=period.end
            ).count(),
            "done": actions.filter(done_at__gte=period.start, done_at__lt=period.end).count(),
            "overdue": actions.filter(
                state__in=["planned", "in_progress"], due_date__lt=after
            ).count(),
            "effective": actions.filter(
                state="effective", verified_at__gte=period.start, verified_at__lt=period.end
            ).count(),
        },
    }


def _label(name: str) -> str:
    return str(kpis.DEFINITIONS[name]).split(":")[0].split("：")[0]


def _shown(name: str, value) -> object:
    if value is None:
        return "—"
    return f"{value:.1%}" if name in RATES else value


def report_title(content: dict) -> str:
    kind = _("Monthly summary") if content["kind"] == "monthly" else _("Quarterly report")
    return (
        f"{settings.KESU_FIRM_NAME} {kind} {content['first']:%Y-%m-%d} – {content['last']:%Y-%m-%d}"
    )


def report_xlsx(content: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F1")

    def header(sheet, row):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill = bold, fill

    summary = book.active
    summary.title = _("Summary")[:31]
    summary.append([report_title(content)])
    summary["A1"].font = Font(bold=True, size=13)
    header(
        summary, [_("measure"), _("this period"), _("previous period"), _("same period last year")]
    )
    for name, now, before, year_ago in content["measures"]:
        summary.append([_label(name), now, before, year_ago])
        if name in RATES:
            for cell in summary[summary.max_row][1:]:
                cell.number_format = "0.0%"
    summary.column_dimensions["A"].width = 28
    actions = content["actions"]
    summary.append([])
    header(
        summary,
        [
            _("Corrective and preventive actions"),
            _("opened"),
            _("done"),
            _("overdue"),
            _("effective"),
        ],
    )
    summary.append(
        ["", actions["opened"], actions["done"], actions["overdue"], actions["effective"]]
    )
    for group, title in (
        ("category", _("By category")),
        ("department", _("By department")),
        ("channel", _("By channel")),
    ):
        sheet = book.create_sheet(str(title)[:31])
        header(sheet, [_("group"), *[_label(n) for n in SHOWN]])
        for row in content["tables"][group]:
            sheet.append([row["group"] or "—", *[row[n] for n in SHOWN]])
        sheet.column_dimensions["A"].width = 16
        if sheet.max_row > 1:
            chart = BarChart()
            chart.title = _label("intake")
            chart.add_data(
                Reference(sheet, min_col=2, min_row=1, max_row=min(sheet.max_row, 16)),
                titles_from_data=True,
            )
            chart.set_categories(
                Reference(sheet, min_col=1, min_row=2, max_row=min(sheet.max_row, 16))
            )
            sheet.add_chart(chart, "R2")
    sheet = book.create_sheet(_("Overdue cases")[:31])
    header(
        sheet, [_("number"), _("category"), _("responsible unit"), _("resolution due"), _("status")]
    )
    for row in content["overdue"]:
        sheet.append(list(row))
    sheet = book.create_sheet(_("Notable cases")[:31])
    header(
        sheet, [_("number"), _("category"), _("severity"), _("escalation level"), _("description")]
    )
    for row in content["notable"]:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_pdf(content: dict) -> bytes:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from kesu.handling.pdf import _font, _styles, _t, _table

    s, font = _styles(), _font()
    P = lambda text, style="p": Paragraph(text, s[style])  # noqa: E731
    story = [P(_t(report_title(content)), "title"), Spacer(1, 4 * mm)]
    rows = [
        [
            P(_t(h))
            for h in (
                _("measure"),
                _("this period"),
                _("previous period"),
                _("same period last year"),
            )
        ]
    ]
    rows += [
        [P(_t(_label(n))), *[P(_t(_shown(n, v))) for v in values]]
        for n, *values in content["measures"]
    ]
    story.append(_table(rows, [60 * mm, 38 * mm, 38 * mm, 38 * mm], font, header=True))
    categories = content["tables"]["category"][:10]
    if categories:
        story += [P(_t(_("By category")), "h")]
        drawing = Drawing(170 * mm, 60 * mm)
        chart = VerticalBarChart()
        chart.x, chart.y, chart.width, chart.height = 10 * mm, 10 * mm, 150 * mm, 45 * mm
        chart.data = [[row["intake"] for row in categories]]
        chart.categoryAxis.categoryNames = [row["group"] or "—" for row in categories]
        chart.categoryAxis.labels.fontName = font
        chart.valueAxis.valueMin = 0
        drawing.add(chart)
        story.append(drawing)
    for group, title in (
        ("category", _("By category")),
        ("department", _("By department")),
        ("channel", _("By channel")),
    ):
        story.append(P(_t(title), "h"))
        table = [
            [
                P(_t(h))
                for h in (
                    _("group"),
                    _label("intake"),
                    _label("closed"),
                    _label("overdue"),
                    _label("resolution_timeliness"),
                    _label("satisfaction"),
                )
            ]
        ]
        for row in content["tables"][group]:
            table.append(
                [
                    P(_t(row["group"] or "—")),
                    *[
                        P(_t(_shown(n, row[n])))
                        for n in (
                            "intake",
                            "closed",
                            "overdue",
                            "resolution_timeliness",
                            "satisfaction",
                        )
                    ],
                ]
            )
        story.append(
            _table(table, [40 * mm, 26 * mm, 26 * mm, 26 * mm, 30 * mm, 26 * mm], font, header=True)
        )
    actions = content["actions"]
    story.append(P(_t(_("Corrective and preventive actions")), "h"))
    story.append(
        P(
            _t(
                "　".join(
                    f"{_(name)} {actions[name]}"
                    for name in ("opened", "done", "overdue", "effective")
                )
            )
        )
    )
    story.append(P(_t(_("Overdue cases")), "h"))
    story.append(
        _table(
            [[P(_t(c)) for c in row] for row in content["overdue"]]
            or [[P(_t(_("None recorded.")))]],
            None,
            font,
        )
    )
    story.append(P(_t(_("Notable cases")), "h"))
    story.append(
        _table(
            [[P(_t(c)) for c in row] for row in content["notable"]]
            or [[P(_t(_("None recorded.")))]],
            None,
            font,
        )
    )
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=report_title(content),
    ).build(story)
    return buffer.getvalue()


def report_make(*, kind: str, start: dt.date, actor=None) -> ReportFile:
    """Make and keep a report: its workbook and its PDF, with when and by whom."""
    content = report_content(kind=kind, start=start)
    stamp = f"{kind}-{start:%Y-%m}"
    row = ReportFile(
        kind=kind,
        period_start=content["first"],
        period_end=content["last"],
        made_at=clock.now(),
        made_by=actor,
    )
    row.xlsx.save(f"{stamp}.xlsx", ContentFile(report_xlsx(content)), save=False)
    row.pdf.save(f"{stamp}.pdf", ContentFile(report_pdf(content)), save=False)
    row.save()
    return row


def previous_month_start(today: dt.date) -> dt.date:
    return _shift(today.replace(day=1), -1)


def previous_quarter_start(today: dt.date) -> dt.date:
    first_of_quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return _shift(first_of_quarter, -3)
