"""Planner statistics: refreshed after migrate and nightly on SQLite, left to autovacuum on
PostgreSQL."""

import pytest
from django.db import connection

from kesu.core.database import statistics_refresh

pytestmark = pytest.mark.django_db


def test_statistics_are_refreshed_on_sqlite_only():
    ran = statistics_refresh()
    assert ran == (connection.vendor == "sqlite")
    if ran:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_stat1")
            assert cursor.fetchone()[0] > 0
