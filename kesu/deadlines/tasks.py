"""Background work for time limits: thin, call a service."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from kesu.complaints.models import Complaint
from kesu.complaints.services import complaint_refresh_deadlines
from kesu.complaints.workflow import OPEN_STATUSES
from kesu.core import clock
from kesu.deadlines.sweep import sweep


@db_periodic_task(crontab(minute="*"))
def sweep_task():
    # The lock keeps one sweep at a time per queue; correctness does not depend on it (the
    # alert rows do), it only saves a second worker the work.
    with lock_task("kesu-deadline-sweep"):
        return sweep(now=clock.now())


@db_task()
def refresh_open_deadlines_task(reason: str) -> int:
    """After a policy, calendar or business-hours change: recompute every open case."""
    count = 0
    for pk in (
        Complaint.objects.filter(status__in=list(OPEN_STATUSES))
        .values_list("pk", flat=True)
        .iterator()
    ):
        complaint_refresh_deadlines(complaint=Complaint(pk=pk), reason=reason)
        count += 1
    return count
