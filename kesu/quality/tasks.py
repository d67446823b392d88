"""Background work for the improvement loop: thin, call a service."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kesu.core import clock
from kesu.quality.services import quarterly_remind_unfinished, quarterly_reviews_prepare


@db_periodic_task(crontab(minute="10", hour="6", day="1", month="1,4,7,10"))
def prepare_quarterly_reviews_task() -> int:
    """On the first day of each quarter: every manager's review of last quarter."""
    with lock_task("kesu-quarterly-reviews"):
        return len(quarterly_reviews_prepare(today=timezone.localdate(clock.now())))


@db_periodic_task(crontab(minute="20", hour="8", day="15", month="1,4,7,10"))
def remind_unfinished_reviews_task() -> int:
    """Two weeks in: the quality managers hear who has not finished."""
    return quarterly_remind_unfinished(today=timezone.localdate(clock.now()))
