"""The periodic sweep: reminds what is at risk and escalates what is overdue.

It reads only the cases that are due and not yet alerted for their running deadline (the
alert_stage column with at_risk_at or next_due_at, indexed together); each step claims its
alert row first, so two sweeps at once, or one run twice, act once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from kesu.complaints.models import Complaint
from kesu.complaints.services import complaint_escalate_overdue, complaint_remind_deadline
from kesu.deadlines.models import DeadlineAlert

BATCH = 500


@dataclass
class SweepResult:
    reminded: int = 0
    escalated_to_supervisor: int = 0
    escalated_to_head_office: int = 0


def due_for(kind: str, *, now: dt.datetime):
    """The cases whose `kind` of alert is due now and not yet given.

    Each query leads with alert_stage and filters and orders on one indexed time column, so
    it reads the due cases only, however many are open.
    """
    if kind == DeadlineAlert.Kind.REMINDER:
        due = Complaint.objects.filter(alert_stage=0, at_risk_at__lte=now, next_due_at__gt=now)
        order = "at_risk_at"
    elif kind == DeadlineAlert.Kind.ESCALATION_1:
        due = Complaint.objects.filter(alert_stage__in=[0, 1], next_due_at__lte=now)
        order = "next_due_at"
    else:
        late = dt.timedelta(hours=settings.KESU_SECOND_ESCALATION_AFTER_HOURS)
        due = Complaint.objects.filter(alert_stage=2, next_due_at__lte=now - late)
        order = "next_due_at"
    return due.order_by(order).only("pk", "number")


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
