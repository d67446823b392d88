"""Benchmark: the managers' figures over a firm's whole history (run by hand, not a test).

    KESU_DATABASE_URL=sqlite:///$PWD/var/reports.sqlite3 .venv/bin/python bench/reports_bench.py
    KESU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu_reports \
        .venv/bin/python bench/reports_bench.py

Run it after `bench/generate.py` on the same database. It signs in as `bench-executive`
(head office: every case is in scope, through the same scope filter every reader goes
through) and times, three times each, the measures the dashboard shows for this month and
the last, the whole dashboard page, the API's measures and breakdowns for last month, the
reports page, and making last month's report (content, workbook and PDF). It also times
the dashboard's measures for the head of one branch of twelve, whose scope is a filter on
org units. The table in bench/README.md takes the best of three.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from kesu.accounts.models import OrgUnit, RoleAssignment, User  # noqa: E402
from kesu.complaints.access import complaint_scope_q  # noqa: E402
from kesu.complaints.models import Complaint  # noqa: E402
from kesu.core import clock  # noqa: E402
from kesu.reports import dashboard, periodic  # noqa: E402
from kesu.reports.measures import month_of  # noqa: E402

settings.ALLOWED_HOSTS = ["testserver"]


def timed(label: str, work) -> None:
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    print(f"{label:<48} best {min(timings):6.3f} s, first {timings[0]:6.3f} s", flush=True)


def page(client: Client, path: str):
    def get():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    return get


def main() -> None:
    print(f"{connection.vendor}: {Complaint.objects.count():,} cases")
    reader = User.objects.get(username="bench-executive")
    cases = Complaint.objects.filter(complaint_scope_q(reader))
    now = clock.now()
    last = month_of(now, months_back=1)
    client = Client()
    client.force_login(reader)
    month = f"start={last.start.date()}&end={last.end.date()}"
    timed("dashboard measures (this month and last)", lambda: dashboard.figures(cases, now=now))
    # A branch head sees one branch of twelve through the org-unit scope filter.
    branch = OrgUnit.objects.get(code="bench-00")
    head, _ = User.objects.get_or_create(username="bench-branch-head")
    RoleAssignment.objects.get_or_create(user=head, role="supervisor", org_unit=branch)
    theirs = Complaint.objects.filter(complaint_scope_q(head))
    timed("  the same for one branch's head", lambda: dashboard.figures(theirs, now=now))
    timed("dashboard page", page(client, "/dashboard/"))
    timed("API kpis, last month", page(client, f"/api/v1/reports/kpis?{month}"))
    for group in ("category", "department", "channel", "agent"):
        timed(
            f"API breakdown by {group}, last month",
            page(client, f"/api/v1/reports/breakdown?{month}&group={group}"),
        )
    timed("API trend: 26 weeks and 8 forecast", page(client, "/api/v1/reports/trend"))
    timed("API hot spots, last month", page(client, f"/api/v1/reports/hotspots?{month}"))
    timed("reports page, last month", page(client, f"/reports/?{month}&group=category"))
    last_day = (last.end - dt.timedelta(days=1)).date()
    timed(
        "league tables, last month",
        page(client, f"/quality/performance/?start={last.start.date()}&end={last_day}"),
    )
    start = last.start.date()
    timed("monthly report content", lambda: periodic.report_content(kind="monthly", start=start))
    content = periodic.report_content(kind="monthly", start=start)
    timed("monthly report workbook", lambda: periodic.report_xlsx(content))
    timed("monthly report PDF", lambda: periodic.report_pdf(content))


if __name__ == "__main__":
    main()
