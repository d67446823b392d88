"""Background work for reports: each period's report once the period ends."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kesu.core import clock
from kesu.reports.periodic import previous_month_start, previous_quarter_start, report_make


@db_periodic_task(crontab(minute="30", hour="6", day="1"))
def monthly_report_task() -> int:
    """On the first of each month, last month's summary; on the first of a quarter, also
    last quarter's report."""
    today = timezone.localdate(clock.now())
    with lock_task("kesu-periodic-reports"):
        report_make(kind="monthly", start=previous_month_start(today))
        if today.month % 3 == 1:
            report_make(kind="quarterly", start=previous_quarter_start(today))
    return 1


@db_periodic_task(crontab(minute="0", hour="8", day_of_week="1"))
def spike_alerts_task() -> int:
    """Every Monday: last week's intake against its forecast; the quality managers hear of a
    spike by notification and email."""
    from kesu.complaints.models import Complaint
    from kesu.reports.trend import spike_alerts_raise

    return len(spike_alerts_raise(Complaint.objects.all()))
