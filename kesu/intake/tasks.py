"""Background work for intake: thin, call a service."""

import imaplib
import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kesu.intake.throttle import throttle_forget_old

logger = logging.getLogger(__name__)


def _due(timestamp) -> bool:
    interval = max(settings.KESU_IMAP_INTERVAL_MINUTES, 1)
    return bool(settings.KESU_IMAP_HOST) and timestamp.minute % interval == 0


@db_periodic_task(_due)
def fetch_mail_task():
    """Poll the mailbox every KESU_IMAP_INTERVAL_MINUTES, when one is configured."""
    from kesu.intake.imap import mail_fetch

    with lock_task("kesu-mail-fetch"):
        try:
            return mail_fetch().fetched
        except (OSError, imaplib.IMAP4.error) as error:
            # The mail server is away: the next run tries again.
            logger.warning("mailbox not reachable: %s", error)
            return 0


@db_periodic_task(crontab(minute="17", hour="3"))
def forget_old_throttle_counters_task():
    return throttle_forget_old()
