"""The worker's housekeeping."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kesu.core.database import statistics_refresh


@db_periodic_task(crontab(minute="15", hour="3"))
@lock_task("statistics-refresh")
def statistics_refresh_nightly() -> None:
    statistics_refresh()
