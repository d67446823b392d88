"""Benchmark: the workspace's case list and inbox counts over the benchmark database that
bench/sweep_bench.py filled (run that first, with the same KESU_DATABASE_URL).

    KESU_DATABASE_URL=sqlite:///$PWD/var/bench.sqlite3 .venv/bin/python bench/workspace_bench.py
"""

from __future__ import annotations

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

from kesu.accounts.models import User  # noqa: E402
from kesu.complaints.models import Complaint  # noqa: E402

settings.ALLOWED_HOSTS = ["testserver"]


def timed(label: str, client: Client, path: str) -> None:
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    print(f"{label:<40} best {min(timings):.3f} s, first {timings[0]:.3f} s  ({path})")


def main() -> None:
    print(f"{connection.vendor}: {Complaint.objects.count():,} cases")
    client = Client()
    client.force_login(User.objects.get(username="bench-owner"))
    timed("list, nearest deadline first, page 1", client, "/cases/")
    timed("list, page 200", client, "/cases/?page=200")
    timed("list, newest first", client, "/cases/?sort=-received")
    timed("list, overdue inbox", client, "/cases/?inbox=overdue")
    timed("list, search a number", client, "/cases/?q=BM0000123456")
    timed("inbox counts (loaded after the list)", client, "/cases/inboxes/")
    timed("search a phone number (substring)", client, "/cases/?q=13800000000")
    timed("case page", client, "/cases/BM0000000001/")
    timed("dashboard", client, "/dashboard/")


if __name__ == "__main__":
    main()
