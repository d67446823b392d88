"""The reporting measures, each with one definition, for any period and any grouping.

Every figure is an aggregation in the database over the cases the reader may see; no case is
loaded into Python. `kpis` gives the period's figures, `breakdown` the same per group.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Complaint, ComplaintEvent
from kesu.reports.measures import Period
from kesu.reports.models import BusinessVolume

# What a breakdown may group by, and the column that names each group.
GROUPS: dict[str, object] = {
    "category": Coalesce("category__parent__code", "category__code"),
    "department": F("org_unit__code"),
    "agent": F("created_by__username"),
    "channel": F("channel"),
    "kind": F("kind"),
    "severity": F("severity"),
    "segment": F("customer__segment"),
}

DEFINITIONS = {
    "intake": _("Intake: cases received in the period (every kind)."),
    "closed": _("Closed: cases closed in the period."),
    "backlog": _(
        "Backlog: cases received before the period's end and not closed by then (not-accepted "
        "cases excluded)."
    ),
    "overdue": _("Overdue: cases whose resolution deadline fell in the period and was not met."),
    "response_timeliness": _(
        "First-response timeliness: of the cases first responded to in the period that had a "
        "response limit, the share responded to in time."
    ),
    "resolution_timeliness": _(
        "及时率: of the cases first answered in the period that had a resolution limit, the "
        "share answered in time."
    ),
    "avg_handling_hours": _(
        "Average handling time: hours from receipt to closing, over the cases closed in the period."
    ),
    "p90_handling_hours": _(
        "90th-percentile handling time: nine in ten cases closed in the period took at most "
        "this many hours."
    ),
    "satisfaction": _(
        "满意度: of the revisits recorded and portal ratings given in the period, the share "
        "satisfied (a satisfied revisit, or a rating of 4 or 5)."
    ),
    "resolution_success": _(
        "Resolution success: of the cases closed in the period, the share never reopened."
    ),
    "repeat_rate": _(
        "Repeat rate: of the cases received in the period, the share linked as a repeat complaint."
    ),
    "escalation_rate": _(
        "Escalation rate: of the cases received in the period, the share escalated at least once."
    ),
    "revisit_rate": _(
        "Revisit rate: of the complaints answered in the period, the share revisited (target 100%)."
    ),
    "justified_share": _(
        "Justified share: of the responsibility findings for cases received in the period, "
        "the share finding the complaint justified."
    ),
    "valid_complaint_rate": _(
        "有效投诉率: justified complaints received in the period per 10,000 of the business volume "
        "entered for those org units and months."
    ),
}
MEASURE_NAMES = tuple(DEFINITIONS)
COUNTS = frozenset({"intake", "closed", "backlog", "overdue"})
HOURS = frozenset({"avg_handling_hours", "p90_handling_hours"})


def short_label(name: str) -> str:
    """The measure's name as its definition starts (受理量, 及时率 …)."""
    text = str(DEFINITIONS[name])
    return text.split("：")[0].split(":")[0]


def formatted(name: str, value) -> str:
    """A figure as people read it: counts as they are, hours with one decimal, rates in %,
    the valid-complaint rate per 10,000."""
    if value is None:
        return "—"
    if name in COUNTS:
        return str(value)
    if name in HOURS or name == "valid_complaint_rate":
        return f"{value:.1f}"
    return f"{value * 100:.1f}%"


@dataclass(frozen=True)
class Window:
    period: Period

    def q(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.period.start, f"{field}__lt": self.period.end})


def _ratio(part, whole):
    return round(part / whole, 4) if whole else None


def _grouped(cases: QuerySet, group: str | None, **aggregates) -> dict[object, dict]:
    """One aggregate query: {group value (None for the whole): {name: value}}."""
    if group is None:
        return {None: cases.aggregate(**aggregates)}
    rows = cases.annotate(_group=GROUPS[group]).values("_group").annotate(**aggregates)
    return {row.pop("_group"): row for row in rows}


def _hours(duration) -> float | None:
    if duration is None:
        return None
    if isinstance(duration, dt.timedelta):
        return round(duration.total_seconds() / 3600, 2)
    return round(duration / 3_600_000_000, 2)  # microseconds (SQLite)


_DURATION = ExpressionWrapper(F("closed_at") - F("received_at"), output_field=DurationField())


def _p90(cases: QuerySet) -> float | None:
    """The 90th percentile of handling time by ordered offset: two small queries, no rows
    loaded but the one."""
    count = cases.count()
    if not count:
        return None
    offset = int(0.9 * (count - 1))
    value = (
        cases.annotate(_d=_DURATION)
        .order_by("_d")
        .values_list("_d", flat=True)[offset : offset + 1]
    )
    return _hours(next(iter(value), None))


def compute(cases: QuerySet[Complaint], period: Period, group: str | None = None) -> dict:
    """{group: {measure: value}} for the period; group None gives one entry, key None."""
    if group is not None and group not in GROUPS:
        raise ValueError(group)
    w = Window(period)
    results: dict[object, dict] = defaultdict(dict)

    def merge(found: dict[object, dict], build: Callable[[dict], dict]):
        for key, row in found.items():
            results[key].update(build(row))

    merge(
        _grouped(
            cases,
            group,
            intake=Count("pk", filter=w.q("received_at")),
            closed=Count("pk", filter=w.q("closed_at")),
            backlog=Count(
                "pk",
                filter=Q(received_at__lt=period.end)
                & ~Q(status="not_accepted")
                & (Q(closed_at__isnull=True) | Q(closed_at__gte=period.end)),
            ),
            overdue=Count(
                "pk",
                filter=w.q("resolution_due") & ~Q(resolution_met=True) & ~Q(status="not_accepted"),
            ),
            repeats=Count("pk", filter=w.q("received_at") & Q(repeat_of__isnull=False)),
            escalated=Count("pk", filter=w.q("received_at") & Q(escalation_level__gt=0)),
            responded=Count("pk", filter=w.q("responded_at") & Q(response_met__isnull=False)),
            responded_met=Count("pk", filter=w.q("responded_at") & Q(response_met=True)),
            answered=Count("pk", filter=w.q("answered_at") & Q(resolution_met__isnull=False)),
            answered_met=Count("pk", filter=w.q("answered_at") & Q(resolution_met=True)),
            revisits=Count(
                "pk", filter=w.q("revisited_at") & Q(is_customer_satisfied__isnull=False)
            ),
            revisits_ok=Count("pk", filter=w.q("revisited_at") & Q(is_customer_satisfied=True)),
            ratings=Count("pk", filter=w.q("rated_at")),
            ratings_ok=Count("pk", filter=w.q("rated_at") & Q(customer_rating__gte=4)),
        ),
        lambda r: {
            "intake": r["intake"],
            "closed": r["closed"],
            "backlog": r["backlog"],
            "overdue": r["overdue"],
            "repeat_rate": _ratio(r["repeats"], r["intake"]),
            "escalation_rate": _ratio(r["escalated"], r["intake"]),
            "response_timeliness": _ratio(r["responded_met"], r["responded"]),
            "resolution_timeliness": _ratio(r["answered_met"], r["answered"]),
            "satisfaction": _ratio(
                r["revisits_ok"] + r["ratings_ok"], r["revisits"] + r["ratings"]
            ),
        },
    )
    closed = cases.filter(w.q("closed_at"))
    reopened = ComplaintEvent.objects.filter(complaint=OuterRef("pk"), type="reopened")
    merge(
        _grouped(
            closed.annotate(_d=_DURATION, _reopened=Exists(reopened)),
            group,
            avg=_avg_duration(),
            n=Count("pk"),
            never_reopened=Count("pk", filter=Q(_reopened=False)),
        ),
        lambda r: {
            "avg_handling_hours": _hours(r["avg"]),
            "resolution_success": _ratio(r["never_reopened"], r["n"]),
        },
    )
    answered_complaints = cases.filter(w.q("answered_at"), kind="complaint")
    merge(
        _grouped(
            answered_complaints,
            group,
            n=Count("pk"),
            revisited=Count("pk", filter=Q(revisited_at__isnull=False)),
        ),
        lambda r: {"revisit_rate": _ratio(r["revisited"], r["n"])},
    )
    received = cases.filter(w.q("received_at"))
    merge(
        _grouped(
            received.filter(accountability__isnull=False),
            group,
            findings=Count("pk"),
            justified=Count("pk", filter=Q(accountability__is_justified=True)),
        ),
        lambda r: {
            "justified_share": _ratio(r["justified"], r["findings"]),
            "_justified": r["justified"],
        },
    )
    for key in list(results):
        subset = closed if key is None else closed.annotate(_group=GROUPS[group]).filter(_group=key)
        results[key]["p90_handling_hours"] = _p90(subset)
        results[key]["valid_complaint_rate"] = _valid_rate(
            results[key].pop("_justified", 0), cases, period, group, key
        )
        for name in MEASURE_NAMES:
            results[key].setdefault(
                name, 0 if name in ("intake", "closed", "backlog", "overdue") else None
            )
    if group is None and None not in results:
        results[None] = {
            name: (0 if name in ("intake", "closed", "backlog", "overdue") else None)
            for name in MEASURE_NAMES
        }
    return dict(results)


def _avg_duration():
    from django.db.models import Avg

    return Avg("_d")


def _months(period: Period) -> list[dt.date]:
    first = period.start.date().replace(day=1)
    months = []
    while first < period.end.date():
        months.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return months


def _valid_rate(justified: int, cases, period: Period, group, key) -> float | None:
    """Justified complaints per 10,000 of business volume of the units concerned; only for
    the whole and for a department breakdown (volume is entered per org unit)."""
    volumes = BusinessVolume.objects.filter(month__in=_months(period))
    if group == "department":
        volumes = volumes.filter(org_unit__code=key)
    elif group is not None:
        return None
    total = volumes.aggregate(total=Sum("volume"))["total"]
    return round(justified * 10_000 / total, 3) if total else None


def kpis(cases: QuerySet[Complaint], period: Period) -> dict:
    return compute(cases, period)[None]


def breakdown(cases: QuerySet[Complaint], period: Period, group: str) -> list[dict]:
    rows = compute(cases, period, group)
    return [
        {"group": key if key is not None else "", **values}
        for key, values in sorted(
            rows.items(), key=lambda item: (-(item[1]["intake"] or 0), str(item[0]))
        )
    ]
