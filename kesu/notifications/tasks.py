"""Background work for notifications: thin, load and call a service."""

from huey.contrib.djhuey import db_task

from kesu.notifications.services import notifications_send_pending_emails


@db_task()
def send_pending_emails_task() -> int:
    return notifications_send_pending_emails()
