"""Staff and department performance for a period, aggregated in the database.

Definitions (shown as the column notes of the page and the spreadsheet):
- handled: cases the person answered in the period (their answer events, each case once);
- timeliness: of their cases answered in the period with a resolution limit, the share answered
  in time;
- satisfaction: the average 1–5 of their cases revisited in the period;
- reopen rate: reopenings in the period of their cases, per case handled;
- spot-check score: the average score of their cases checked in the period;
- justified complaints and penalties: responsibility findings recorded in the period that name
  them (or, for a department, its staff's cases).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kesu.accounts.models import User
from kesu.complaints.access import complaint_scope_q
from kesu.complaints.models import Complaint, ComplaintEvent
from kesu.handling.models import Accountability
from kesu.quality.models import CheckedCase

COLUMNS = [
    ("handled", gettext_lazy("handled")),
    ("timeliness", gettext_lazy("timeliness")),
    ("satisfaction", gettext_lazy("satisfaction")),
    ("reopen_rate", gettext_lazy("reopen rate")),
    ("spot_check_score", gettext_lazy("spot-check score")),
    ("justified", gettext_lazy("justified complaints")),
    ("penalties", gettext_lazy("penalties")),
]


@dataclass
class Row:
    key: str
    name: str
    handled: int = 0
    timeliness: float | None = None
    satisfaction: float | None = None
    reopen_rate: float | None = None
    spot_check_score: float | None = None
    justified: int = 0
    penalties: list[str] = field(default_factory=list)
    penalty_amount: Decimal = Decimal(0)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def performance(*, user: User, start: dt.date, end: dt.date) -> tuple[list[Row], list[Row]]:
    """(staff rows, department rows) over the cases `user` may see."""
    since, until = _bounds(start, end)
    scope = complaint_scope_q(user)
    cases = Complaint.objects.filter(scope)
    # Events, checks and findings of the cases in scope; for a reader who sees every case,
    # no IN over the whole case table.
    within = {} if scope == Q() else {"complaint__in": cases}
    staff: dict[int, Row] = {}
    units: dict[int, Row] = {}

    def person(pk, name):
        return staff.setdefault(pk, Row(key=str(pk), name=name))

    def unit(pk, name):
        return units.setdefault(pk, Row(key=str(pk), name=name))

    answers = ComplaintEvent.objects.filter(
        **within, type="answered", created_at__gte=since, created_at__lt=until
    )
    for row in answers.values("actor", "actor__display_name", "actor__username").annotate(
        n=Count("complaint", distinct=True)
    ):
        if row["actor"]:
            person(
                row["actor"], row["actor__display_name"] or row["actor__username"]
            ).handled = row["n"]
    for row in answers.values("complaint__org_unit", "complaint__org_unit__name").annotate(
        n=Count("complaint", distinct=True)
    ):
        if row["complaint__org_unit"]:
            unit(row["complaint__org_unit"], row["complaint__org_unit__name"]).handled = row["n"]

    answered = cases.filter(
        answered_at__gte=since, answered_at__lt=until, resolution_met__isnull=False
    )
    met = Count("pk", filter=Q(resolution_met=True))
    for group, target, name in (
        ("owner", person, "owner__display_name"),
        ("org_unit", unit, "org_unit__name"),
    ):
        for row in answered.values(group, name).annotate(met=met, n=Count("pk")):
            if row[group]:
                target(row[group], row[name]).timeliness = _share(row["met"], row["n"])
        revisited = cases.filter(
            revisited_at__gte=since, revisited_at__lt=until, satisfaction__isnull=False
        )
        for row in revisited.values(group, name).annotate(avg=Avg("satisfaction")):
            if row[group]:
                target(row[group], row[name]).satisfaction = round(float(row["avg"]), 2)
        reopened = ComplaintEvent.objects.filter(
            **within, type="reopened", created_at__gte=since, created_at__lt=until
        )
        for row in reopened.values(f"complaint__{group}", f"complaint__{name}").annotate(
            n=Count("pk")
        ):
            key = row[f"complaint__{group}"]
            if key:
                entry = target(key, row[f"complaint__{name}"])
                entry.reopen_rate = _share(row["n"], entry.handled) if entry.handled else None
        checked = CheckedCase.objects.filter(
            **within, reviewed_at__gte=since, reviewed_at__lt=until, score__isnull=False
        )
        for row in checked.values(f"complaint__{group}", f"complaint__{name}").annotate(
            avg=Avg("score")
        ):
            key = row[f"complaint__{group}"]
            if key:
                target(key, row[f"complaint__{name}"]).spot_check_score = round(
                    float(row["avg"]), 1
                )

    findings = (
        Accountability.objects.filter(**within, recorded_at__gte=since, recorded_at__lt=until)
        .select_related("penalty", "complaint__org_unit")
        .prefetch_related("staff")
    )
    for finding in findings:
        for member in finding.staff.all():
            targets = [person(member.pk, member.display_name or member.username)]
            if finding.complaint.org_unit_id:
                targets.append(unit(finding.complaint.org_unit_id, finding.complaint.org_unit.name))
            for entry in targets:
                entry.justified += int(finding.is_justified)
                if finding.penalty:
                    entry.penalties.append(finding.penalty.name)
                    entry.penalty_amount += finding.penalty.amount
    # staff names where only an id was seen
    for pk, row in staff.items():
        if not row.name:
            found = User.objects.filter(pk=pk).first()
            row.name = str(found) if found else str(pk)
    order = lambda r: (-r.handled, r.name)  # noqa: E731
    return sorted(staff.values(), key=order), sorted(units.values(), key=order)


# What a league table may rank by, and which way is better.
RANKINGS: dict[str, bool] = {
    "handled": True,
    "timeliness": True,
    "satisfaction": True,
    "spot_check_score": True,
    "reopen_rate": False,
    "justified": False,
}


def league(rows: list[Row], by: str) -> list[tuple[int | None, Row]]:
    """The rows ranked by one measure, best first, ties sharing a place (1, 2, 2, 4). Rows
    without a figure for the measure come last, unranked: no data is not a bad score."""
    if by not in RANKINGS:
        raise ValueError(by)
    higher_is_better = RANKINGS[by]
    scored = [row for row in rows if getattr(row, by) is not None]
    unscored = [row for row in rows if getattr(row, by) is None]
    scored.sort(key=lambda r: (-getattr(r, by) if higher_is_better else getattr(r, by), r.name))
    ranked: list[tuple[int | None, Row]] = []
    for index, row in enumerate(scored):
        tied = index and getattr(row, by) == getattr(scored[index - 1], by)
        ranked.append((ranked[-1][0] if tied else index + 1, row))
    return ranked + [(None, row) for row in sorted(unscored, key=lambda r: r.name)]


def performance_xlsx(
    *, staff: list[Row], departments: list[Row], start: dt.date, end: dt.date
) -> bytes:
    """The two tables as a formatted workbook: a sheet each, headers frozen, percentages."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    book.remove(book.active)
    header_fill = PatternFill("solid", fgColor="DCE6F1")
    for title, rows in ((_("Staff"), staff), (_("Departments"), departments)):
        sheet = book.create_sheet(title=str(title)[:31])
        sheet.append([f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"])
        sheet.append(
            [str(_("name")), *[str(label) for _key, label in COLUMNS], str(_("penalty total"))]
        )
        for cell in sheet[2]:
            cell.font, cell.fill = Font(bold=True), header_fill
            cell.alignment = Alignment(horizontal="center")
        for row in rows:
            sheet.append(
                [
                    row.name,
                    row.handled,
                    row.timeliness,
                    row.satisfaction,
                    row.reopen_rate,
                    row.spot_check_score,
                    row.justified,
                    "、".join(row.penalties),
                    float(row.penalty_amount),
                ]
            )
        for line in sheet.iter_rows(min_row=3):
            line[2].number_format = line[4].number_format = "0.0%"
        sheet.freeze_panes = "B3"
        for column, width in zip("ABCDEFGHI", (16, 10, 10, 10, 10, 14, 14, 20, 12), strict=True):
            sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
