"""Background work for notifications: thin, load and call a service."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

# Registered with the worker through this module, which huey discovers.
from kesu.notifications.email_tasks import send_pending_emails_task  # noqa: F401


@db_task()
def send_customer_messages_task() -> int:
    from kesu.notifications.sending import outbound_send_due

    return outbound_send_due()


@db_periodic_task(crontab(minute="*"))
def retry_customer_messages_task() -> int:
    """Every minute: what failed before and is due again (and anything a dead worker held)."""
    from kesu.notifications.sending import outbound_send_due

    with lock_task("kesu-customer-messages"):
        return outbound_send_due()
