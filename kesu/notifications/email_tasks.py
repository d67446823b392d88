"""The staff-email task, apart from tasks.py so that notifications.services can queue it
without reaching the customer outbox (which calls complaints.services)."""

from huey.contrib.djhuey import db_task

from kesu.notifications.services import notifications_send_pending_emails


@db_task()
def send_pending_emails_task() -> int:
    return notifications_send_pending_emails()
