"""Handling records that the case's own services need while they hold its lock: the
solution's measures, approval routing, open tasks, appeal routes, repeat links.

No service of complaints is called from here; complaints.services calls this.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kesu.accounts.models import OrgUnit, User
from kesu.accounts.selectors import user_role_assignments
from kesu.complaints.models import Complaint, ComplaintEvent
from kesu.core import clock
from kesu.handling import rules
from kesu.handling.models import (
    AppealRoute,
    Approval,
    ApprovalRule,
    CollaborationTask,
    Review,
    SolutionMeasure,
)

Type = ComplaintEvent.Type


def measures_replace(complaint: Complaint, measures: list[dict[str, Any]]) -> tuple[int, Decimal]:
    """Store a new proposal's measures as the next round; (round, money given away)."""
    rules.check_measures(measures)
    last = complaint.measures.order_by("-round").values_list("round", flat=True).first() or 0
    round_ = last + 1
    SolutionMeasure.objects.bulk_create(
        SolutionMeasure(
            complaint=complaint,
            round=round_,
            kind=m["kind"],
            amount=None if m.get("amount") is None else Decimal(m["amount"]),
            note=(m.get("note") or "")[:500],
        )
        for m in measures
    )
    money = rules.money_of((m["kind"], _decimal(m.get("amount"))) for m in measures)
    return round_, money


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def current_measures(complaint: Complaint) -> list[SolutionMeasure]:
    last = complaint.measures.order_by("-round").values_list("round", flat=True).first()
    return list(complaint.measures.filter(round=last)) if last else []


def handled_by(complaint: Complaint) -> set[int]:
    """Everyone who held or worked the case: its owners, whoever started, proposed or
    answered it."""
    people = set(
        complaint.events.filter(
            type__in=[Type.ASSIGNED, Type.STARTED, Type.PROPOSED, Type.ANSWERED, Type.INVESTIGATED]
        )
        .exclude(actor__isnull=True)
        .values_list("actor_id", flat=True)
    )
    for event in complaint.events.filter(type=Type.ASSIGNED):
        owner = (event.data.get("changes") or {}).get("owner")
        if isinstance(owner, list) and owner[-1]:
            people.update(User.objects.filter(username=owner[-1]).values_list("pk", flat=True))
    if complaint.owner_id:
        people.add(complaint.owner_id)
    return people


def _candidates(unit: OrgUnit) -> list[rules.Candidate]:
    from kesu.accounts.selectors import escalation_chain

    out = []
    for user in escalation_chain(unit):
        # The unit the person leads highest up on this branch of the tree.
        units = [
            a.org_unit
            for a in user_role_assignments(user)
            if a.role in ("supervisor", "executive") and unit.path.startswith(a.org_unit.path)
        ]
        top = min(units, key=lambda u: len(u.path)) if units else unit
        out.append(
            rules.Candidate(
                user_id=user.pk,
                label=user.display_name or user.username,
                unit_kind=top.kind,
                names=tuple(n for n in (user.display_name, user.username) if n),
            )
        )
    return out


def approval_route(complaint: Complaint, *, round_: int, money: Decimal) -> Approval:
    """The approval a proposal waits for: its level from the rules, its approver the nearest
    leader at that level or above who is not conflicted; who was passed over, and why."""
    level = rules.level_for(
        money, ApprovalRule.objects.filter(is_active=True).values_list("max_amount", "level")
    )
    approver_id, notes = rules.route(
        _candidates(complaint.org_unit or complaint.intake_unit),
        level=level,
        handled_by=handled_by(complaint),
        staff_involved=complaint.staff_involved,
    )
    complaint.approvals.filter(state=Approval.State.PENDING).update(
        state=Approval.State.RETURNED, comment=_("superseded by a new proposal")
    )
    return Approval.objects.create(
        complaint=complaint,
        round=round_,
        amount=money,
        level=level,
        approver_id=approver_id,
        routing="\n".join(notes),
        created_at=clock.now(),
    )


def approval_pending(complaint: Complaint) -> Approval | None:
    return (
        complaint.approvals.filter(state=Approval.State.PENDING).select_related("approver").first()
    )


def review_route(complaint: Complaint, reason: str) -> Review:
    """A review by the level above the one that approved, by someone not involved."""
    last = complaint.approvals.exclude(level="").order_by("-pk").first()
    level = rules.level_above(last.level) if last else "branch"
    involved = handled_by(complaint) | set(
        complaint.approvals.exclude(decided_by__isnull=True).values_list("decided_by", flat=True)
    )
    reviewer_id, notes = rules.route(
        _candidates(complaint.org_unit or complaint.intake_unit),
        level=level,
        handled_by=involved,
        staff_involved=complaint.staff_involved,
    )
    return Review.objects.create(
        complaint=complaint,
        reason=reason,
        reviewer_id=reviewer_id,
        routing="\n".join(notes),
        requested_at=clock.now(),
    )


def open_tasks(complaint: Complaint) -> list[CollaborationTask]:
    return list(
        complaint.collaboration_tasks.filter(state=CollaborationTask.State.OPEN).select_related(
            "org_unit"
        )
    )


def appeal_routes(complaint: Complaint, language: str) -> list[tuple[str, str]]:
    """Where this customer may turn: the routes of the case's category preset, else general."""
    preset = (complaint.category.preset if complaint.category_id else "") or "general"
    rows = list(AppealRoute.objects.filter(preset=preset)) or list(
        AppealRoute.objects.filter(preset="general")
    )
    english = language == "en"
    return [
        (
            (row.name_en or row.name) if english else row.name,
            (row.detail_en or row.detail) if english else row.detail,
        )
        for row in rows
    ]


def repeat_candidate(complaint: Complaint) -> Complaint | None:
    """The latest earlier case of the same customer and category within the window."""
    if not complaint.category_id:
        return None
    since = complaint.received_at - dt.timedelta(days=settings.KESU_REPEAT_WINDOW_DAYS)
    return (
        Complaint.objects.filter(
            customer_id=complaint.customer_id,
            category_id=complaint.category_id,
            received_at__gte=since,
            received_at__lte=complaint.received_at,
        )
        .exclude(pk=complaint.pk)
        .order_by("-received_at", "-pk")
        .first()
    )
