"""Keeping the database's planner statistics fresh.

SQLite plans from the statistics ANALYZE leaves in sqlite_stat1, and a migration that
rebuilds a table (SQLite's way of altering one) throws that table's statistics away. Without
them the planner can drive a month's report from the org-unit index through every case of
the firm (17 s instead of 0.2 s at a million cases, bench/README.md). So statistics are
refreshed after every migration and each night. PostgreSQL's autovacuum keeps its own.
"""

from __future__ import annotations

from django.db import connections


def statistics_refresh(using: str = "default") -> bool:
    """ANALYZE on SQLite, sampling at most 1000 rows per index (approximate statistics, as
    SQLite recommends, in well under a second); nothing elsewhere. Returns whether it ran."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit = 1000")
        cursor.execute("ANALYZE")
    return True
