"""A case's deadlines from its policy and its unit's calendar. Reads the database (policies,
business hours, calendar entries) but writes nothing: complaints.services stores the result."""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from kesu.accounts.models import OrgUnit
from kesu.deadlines import calendars
from kesu.deadlines.calendars import WORKING_UNITS, Unit, WorkingCalendar
from kesu.deadlines.models import BusinessHours, CalendarDay, Target, TimeLimitPolicy
from kesu.deadlines.policies import CaseFacts, PolicyFacts, select_policy

logger = logging.getLogger(__name__)
# Years already reported as unknown by this process, so that the log says it once.
_reported_fallback_years: set[int] = set()

OPEN_ENDED = None


def calendar_for(org_unit: OrgUnit | None) -> WorkingCalendar:
    """The working calendar of `org_unit`: its own business hours or its nearest ancestor's,
    China's statutory calendar, and the administrators' entries over it."""
    hours = calendars.BusinessHours()
    if org_unit is not None:
        units = org_unit.ancestors_and_self()
        own = {h.org_unit_id: h for h in BusinessHours.objects.filter(org_unit__in=units)}
        for unit in units:
            if unit.pk in own:
                hours = own[unit.pk].as_hours()
                break
    overrides = dict(CalendarDay.objects.values_list("date", "is_working_day"))
    return WorkingCalendar(hours=hours, zone=ZoneInfo(settings.TIME_ZONE), overrides=overrides)


def report_fallback(calendar: WorkingCalendar) -> None:
    for year in sorted(calendar.fallback_years - _reported_fallback_years):
        _reported_fallback_years.add(year)
        logger.warning(
            "the statutory calendar for %s is unknown and no administrator entered it: "
            "counting Monday to Friday as working days",
            year,
        )


def unknown_years(years: range) -> list[int]:
    """The years in `years` that neither chinesecalendar nor an administrator covers."""
    entered = set(CalendarDay.objects.dates("date", "year").values_list("date__year", flat=True))
    return [
        year
        for year in years
        if calendars.statutory_working_day(dt.date(year, 6, 1)) is None and year not in entered
    ]


def _policy_facts() -> dict[int, tuple[PolicyFacts, TimeLimitPolicy]]:
    found = {}
    for policy in TimeLimitPolicy.objects.filter(is_active=True).select_related(
        "category", "org_unit"
    ):
        targets = frozenset(t for t in Target.values if policy.limit(t) is not None)
        facts = PolicyFacts(
            id=policy.pk,
            kind=policy.kind,
            severity=policy.severity,
            category_code=policy.category.code if policy.category else None,
            unit_path=policy.org_unit.path if policy.org_unit else None,
            priority=policy.priority,
            targets=targets,
        )
        found[policy.pk] = (facts, policy)
    return found


@dataclass(frozen=True)
class Deadlines:
    """What the engine decides for one case; complaints.services stores it on the row."""

    response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    revisit_due: dt.datetime | None
    response_policy: TimeLimitPolicy | None
    resolution_policy: TimeLimitPolicy | None
    revisit_policy: TimeLimitPolicy | None
    next_due_at: dt.datetime | None
    next_due_target: str
    at_risk_at: dt.datetime | None
    is_filed_late: bool | None

    def as_fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def _pauses(raw: list) -> list[tuple[dt.datetime, dt.datetime | None]]:
    return [
        (dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end) if end else None)
        for start, end in raw
    ]


def _due(start, limit, calendar, pauses) -> dt.datetime | None:
    amount, unit = limit
    duration = calendars.to_timedelta(amount, unit, calendar.hours)
    working = Unit(unit) in WORKING_UNITS
    return calendars.add_countable_time(
        start, duration, calendar=calendar if working else None, pauses=pauses
    )


def _at_risk(start, limit, calendar, pauses) -> dt.datetime | None:
    """When the share KESU_AT_RISK_RATIO (80%) of the limit is used."""
    amount, unit = limit
    duration = calendars.to_timedelta(amount, unit, calendar.hours) * settings.KESU_AT_RISK_RATIO
    working = Unit(unit) in WORKING_UNITS
    return calendars.add_countable_time(
        start, duration, calendar=calendar if working else None, pauses=pauses
    )


_shared: ContextVar[dict | None] = ContextVar("deadline_lookups", default=None)


@contextmanager
def lookups_shared():
    """Within it, the policies and each unit's calendar are read once, not per case: for a
    batch of many cases (a historical import), where none of them changes meanwhile."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def _lookups(unit) -> tuple[dict, WorkingCalendar]:
    shared = _shared.get()
    if shared is None:
        return _policy_facts(), calendar_for(unit)
    if "facts" not in shared:
        shared["facts"] = _policy_facts()
    key = ("calendar", unit.pk if unit else None)
    if key not in shared:
        shared[key] = calendar_for(unit)
    return shared["facts"], shared[key]


def compute_deadlines(complaint, *, is_finished: bool) -> Deadlines:
    """The deadlines of `complaint` (a complaints.Complaint) as it stands now."""
    unit = complaint.org_unit or complaint.intake_unit
    category = complaint.category
    case = CaseFacts(
        kind=complaint.kind,
        severity=complaint.severity,
        category_code=category.code if category else None,
        category_parent_code=category.parent.code if category and category.parent_id else None,
        unit_path=unit.path,
    )
    facts, calendar = _lookups(unit)
    chosen = {
        target: facts[pid][1]
        if (pid := select_policy([f for f, _p in facts.values()], case, target))
        else None
        for target in Target.values
    }
    pauses = _pauses(complaint.pauses)

    def limit_of(target: str):
        policy = chosen[target]
        if target == Target.RESOLUTION and complaint.resolution_limit_amount is not None:
            return complaint.resolution_limit_amount, complaint.resolution_limit_unit
        if policy is None and target == Target.REVISIT and complaint.kind == "complaint":
            # Every complaint is revisited: without a policy, a few days after the answer.
            return settings.KESU_DEFAULT_REVISIT_DAYS, "days"
        return policy.limit(target) if policy else None

    starts = {
        Target.RESPONSE: complaint.received_at,
        Target.RESOLUTION: complaint.resolution_started_at or complaint.received_at,
        Target.REVISIT: complaint.answered_at,
    }
    dues: dict[str, dt.datetime | None] = {}
    for target in Target.values:
        limit, start = limit_of(target), starts[target]
        dues[target] = _due(start, limit, calendar, pauses) if limit and start else None

    # The clock that runs now: first response until someone answers the customer, then
    # resolution until the answer, then the revisit until it is recorded.
    if is_finished:
        current = None
    elif complaint.responded_at is None and dues[Target.RESPONSE]:
        current = Target.RESPONSE
    elif complaint.answered_at is None:
        current = Target.RESOLUTION
    elif complaint.revisited_at is None or complaint.revisited_at < complaint.answered_at:
        current = Target.REVISIT
    else:
        current = None
    next_due = dues.get(current) if current else None
    at_risk = None
    if next_due is not None:
        at_risk = _at_risk(starts[current], limit_of(current), calendar, pauses)

    is_filed_late = None
    window_policy = next(
        (p for p in chosen.values() if p is not None and p.filing_window_days is not None), None
    )
    if window_policy and complaint.incident_at:
        window = dt.timedelta(days=window_policy.filing_window_days)
        is_filed_late = complaint.received_at > complaint.incident_at + window
    report_fallback(calendar)
    return Deadlines(
        response_due=dues[Target.RESPONSE],
        resolution_due=dues[Target.RESOLUTION],
        revisit_due=dues[Target.REVISIT],
        response_policy=chosen[Target.RESPONSE],
        resolution_policy=chosen[Target.RESOLUTION],
        revisit_policy=chosen[Target.REVISIT],
        next_due_at=next_due,
        next_due_target=current or "",
        at_risk_at=at_risk,
        is_filed_late=is_filed_late,
    )
