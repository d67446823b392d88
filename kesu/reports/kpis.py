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
    Avg,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Complaint, ComplaintEvent
from kesu.reports.measures import OPEN, Period
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
class Span:
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


def _p90(closed: QuerySet, group: str | None) -> dict[object, float | None]:
    """The 90th percentile of handling time per group, in one query: each group's durations
    numbered in order by a window function, and the row at 90% of the way kept (the nearest
    rank below: row floor(0.9 × (n − 1)) + 1 of n)."""
    partition = [GROUPS[group]] if group else []
    rows = (
        closed.annotate(
            _d=_DURATION,
            _group=GROUPS[group] if group else Value(None, output_field=CharField()),
        )
        .annotate(
            _rn=Window(RowNumber(), partition_by=partition, order_by=F("_d").asc()),
            _n=Window(Count("pk"), partition_by=partition),
        )
        .annotate(_lo=(F("_rn") - 1) * 10, _hi=(F("_n") - 1) * 9)
        .filter(_lo__lte=F("_hi"), _hi__lt=F("_rn") * 10)
        .values_list("_group", "_d")
    )
    return {key: _hours(duration) for key, duration in rows}


# Which query family feeds which measures. Each family reads only the rows its own indexed
# date column puts in the period (received_at, closed_at, responded_at …), so a month costs
# what happened in that month, not the firm's whole history.
FAMILIES: dict[str, tuple[str, ...]] = {
    "received": ("intake", "repeat_rate", "escalation_rate"),
    "closed": ("closed", "avg_handling_hours", "resolution_success"),
    "p90": ("p90_handling_hours",),
    "backlog": ("backlog",),
    "overdue": ("overdue",),
    "responded": ("response_timeliness",),
    "answered": ("resolution_timeliness", "revisit_rate"),
    "satisfaction": ("satisfaction",),
    "findings": ("justified_share", "valid_complaint_rate"),
}


def compute(
    cases: QuerySet[Complaint],
    period: Period,
    group: str | None = None,
    measures: tuple[str, ...] | None = None,
) -> dict:
    """{group: {measure: value}} for the period; group None gives one entry, key None.

    `measures` limits the work to the families that feed them (the dashboard asks for a few);
    the others are left out of the result.
    """
    if group is not None and group not in GROUPS:
        raise ValueError(group)
    wanted = set(MEASURE_NAMES if measures is None else measures)
    unknown = wanted - set(MEASURE_NAMES)
    if unknown:
        raise ValueError(sorted(unknown))
    families = [name for name, feeds in FAMILIES.items() if wanted & set(feeds)]
    w = Span(period)
    results: dict[object, dict] = defaultdict(dict)

    def merge(found: dict[object, dict], build: Callable[[dict], dict]):
        for key, row in found.items():
            results[key].update(build(row))

    def add(found: dict[object, dict], name: str):
        for key, row in found.items():
            results[key][name] = results[key].get(name, 0) + row["n"]

    if "received" in families:
        merge(
            _grouped(
                cases.filter(w.q("received_at")),
                group,
                intake=Count("pk"),
                repeats=Count("pk", filter=Q(repeat_of__isnull=False)),
                escalated=Count("pk", filter=Q(escalation_level__gt=0)),
            ),
            lambda r: {
                "intake": r["intake"],
                "repeat_rate": _ratio(r["repeats"], r["intake"]),
                "escalation_rate": _ratio(r["escalated"], r["intake"]),
            },
        )
    closed = cases.filter(w.q("closed_at"))
    if "closed" in families:
        reopened = ComplaintEvent.objects.filter(complaint=OuterRef("pk"), type="reopened")
        merge(
            _grouped(
                closed.annotate(_d=_DURATION, _reopened=Exists(reopened)),
                group,
                avg=Avg("_d"),
                n=Count("pk"),
                never_reopened=Count("pk", filter=Q(_reopened=False)),
            ),
            lambda r: {
                "closed": r["n"],
                "avg_handling_hours": _hours(r["avg"]),
                "resolution_success": _ratio(r["never_reopened"], r["n"]),
            },
        )
    if "backlog" in families:
        # Open at the period's end: not closed at all, or closed only after the end. Two
        # queries, each an index range on closed_at (the second is empty for a period that
        # has not ended yet).
        # Open now is named by status, so the (status, received_at) index serves it; a case
        # closed has its closing time (a reopened one loses it), and not-accepted cases are
        # no backlog.
        before_end = cases.filter(received_at__lt=period.end)
        add(_grouped(before_end.filter(status__in=OPEN), group, n=Count("pk")), "backlog")
        add(
            _grouped(before_end.filter(closed_at__gte=period.end), group, n=Count("pk")),
            "backlog",
        )
    if "overdue" in families:
        add(
            _grouped(
                cases.filter(w.q("resolution_due"))
                .exclude(resolution_met=True)
                .exclude(status="not_accepted"),
                group,
                n=Count("pk"),
            ),
            "overdue",
        )
    if "responded" in families:
        merge(
            _grouped(
                cases.filter(w.q("responded_at"), response_met__isnull=False),
                group,
                n=Count("pk"),
                met=Count("pk", filter=Q(response_met=True)),
            ),
            lambda r: {"response_timeliness": _ratio(r["met"], r["n"])},
        )
    if "answered" in families:
        merge(
            _grouped(
                cases.filter(w.q("answered_at")),
                group,
                limited=Count("pk", filter=Q(resolution_met__isnull=False)),
                met=Count("pk", filter=Q(resolution_met=True)),
                complaints=Count("pk", filter=Q(kind="complaint")),
                revisited=Count("pk", filter=Q(kind="complaint", revisited_at__isnull=False)),
            ),
            lambda r: {
                "resolution_timeliness": _ratio(r["met"], r["limited"]),
                "revisit_rate": _ratio(r["revisited"], r["complaints"]),
            },
        )
    if "satisfaction" in families:
        revisits = _grouped(
            cases.filter(w.q("revisited_at"), is_customer_satisfied__isnull=False),
            group,
            n=Count("pk"),
            ok=Count("pk", filter=Q(is_customer_satisfied=True)),
        )
        ratings = _grouped(
            cases.filter(w.q("rated_at"), customer_rating__isnull=False),
            group,
            n=Count("pk"),
            ok=Count("pk", filter=Q(customer_rating__gte=4)),
        )
        for key in set(revisits) | set(ratings):
            a, b = revisits.get(key, {}), ratings.get(key, {})
            results[key]["satisfaction"] = _ratio(
                (a.get("ok") or 0) + (b.get("ok") or 0), (a.get("n") or 0) + (b.get("n") or 0)
            )
    if "findings" in families:
        merge(
            _grouped(
                cases.filter(w.q("received_at"), accountability__isnull=False),
                group,
                findings=Count("pk"),
                justified=Count("pk", filter=Q(accountability__is_justified=True)),
            ),
            lambda r: {
                "justified_share": _ratio(r["justified"], r["findings"]),
                "_justified": r["justified"],
            },
        )
    if group is None:
        results.setdefault(None, {})  # an empty period still has its one entry
    p90 = _p90(closed, group) if "p90" in families else {}
    for key in list(results):
        values = results[key]
        if "p90" in families:
            values["p90_handling_hours"] = p90.get(key)
        if "findings" in families:
            values["valid_complaint_rate"] = _valid_rate(
                values.get("_justified", 0), period, group, key
            )
        values.pop("_justified", None)
        for name in MEASURE_NAMES:
            if name in wanted:
                values.setdefault(name, 0 if name in COUNTS else None)
            else:
                values.pop(name, None)
    return dict(results)


def _months(period: Period) -> list[dt.date]:
    first = period.start.date().replace(day=1)
    months = []
    while first < period.end.date():
        months.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return months


def _valid_rate(justified: int, period: Period, group, key) -> float | None:
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
