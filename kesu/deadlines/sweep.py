"""The periodic sweep: reminds what is at risk and escalates what is overdue.

It reads only the cases that are due (two indexed columns, at_risk_at and next_due_at) and
not yet alerted for that very deadline; each step claims its alert row first, so two sweeps
at once, or one run twice, act once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef

from kesu.complaints.models import Complaint
from kesu.complaints.services import complaint_escalate_overdue, complaint_remind_deadline
from kesu.deadlines.models import DeadlineAlert

BATCH = 500


@dataclass
class SweepResult:
    reminded: int = 0
    escalated_to_supervisor: int = 0
    escalated_to_head_office: int = 0


def _not_alerted(kind: str):
    return ~Exists(
        DeadlineAlert.objects.filter(
            complaint=OuterRef("pk"),
            kind=kind,
            target=OuterRef("next_due_target"),
            due_at=OuterRef("next_due_at"),
        )
    )


def due_for(kind: str, *, now: dt.datetime):
    """The cases whose `kind` of alert is due now and not yet given, oldest deadline first."""
    if kind == DeadlineAlert.Kind.REMINDER:
        due = Complaint.objects.filter(at_risk_at__lte=now, next_due_at__gt=now)
    elif kind == DeadlineAlert.Kind.ESCALATION_1:
        due = Complaint.objects.filter(next_due_at__lte=now)
    else:
        late = dt.timedelta(hours=settings.KESU_SECOND_ESCALATION_AFTER_HOURS)
        due = Complaint.objects.filter(next_due_at__lte=now - late)
    return due.filter(_not_alerted(kind)).order_by("next_due_at").only("pk", "number")


def sweep(*, now: dt.datetime, batch: int = BATCH) -> SweepResult:
    """One pass: reminders, then first escalations, then escalations to head office."""
    result = SweepResult()
    for case in due_for(DeadlineAlert.Kind.REMINDER, now=now)[:batch]:
        result.reminded += complaint_remind_deadline(complaint=case, now=now)
    for case in due_for(DeadlineAlert.Kind.ESCALATION_1, now=now)[:batch]:
        result.escalated_to_supervisor += complaint_escalate_overdue(
            complaint=case, now=now, level=1
        )
    for case in due_for(DeadlineAlert.Kind.ESCALATION_2, now=now)[:batch]:
        result.escalated_to_head_office += complaint_escalate_overdue(
            complaint=case, now=now, level=2
        )
    return result
