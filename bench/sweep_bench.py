"""Benchmark: the deadline sweep over many open complaints (run by hand, not a test).

    export KESU_LOG_LEVEL=WARNING
    KESU_DATABASE_URL=sqlite:///$PWD/var/bench.sqlite3 .venv/bin/python bench/sweep_bench.py
    KESU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu_bench \
        .venv/bin/python bench/sweep_bench.py

Arguments: how many open cases (1,000,000) and how many of them are overdue (200).

It fills the database once (bulk insert, bypassing the services: this measures the sweep,
not intake) with open cases whose deadlines lie in the next 30 days, of which `due` are at
risk or overdue now; then it times the sweep's queries and one whole sweep, and prints the
query plans, which must use the at_risk_at / next_due_at indexes.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from kesu.accounts.models import OrgUnit, RoleAssignment, User  # noqa: E402
from kesu.complaints.models import Complaint  # noqa: E402
from kesu.core import clock  # noqa: E402
from kesu.customers.models import Customer  # noqa: E402
from kesu.deadlines.models import DeadlineAlert  # noqa: E402
from kesu.deadlines.sweep import due_for, sweep  # noqa: E402

BATCH = 20_000


def fill(total: int, due: int, now: dt.datetime) -> None:
    if Complaint.objects.count() >= total:
        return
    company, _ = OrgUnit.objects.get_or_create(
        code="bench", defaults={"name": "基准", "kind": "company"}
    )
    owner, _ = User.objects.get_or_create(username="bench-owner", defaults={"email": "b@kesu.test"})
    boss, _ = User.objects.get_or_create(username="bench-boss", defaults={"email": "c@kesu.test"})
    RoleAssignment.objects.get_or_create(user=owner, role="handler", org_unit=company)
    RoleAssignment.objects.get_or_create(user=boss, role="supervisor", org_unit=company)
    customer, _ = Customer.objects.get_or_create(name="基准客户", phone="13800000000")
    rng = random.Random(1)
    made = Complaint.objects.count()
    started = time.perf_counter()
    while made < total:
        rows = []
        for index in range(made, min(made + BATCH, total)):
            if index < due:
                next_due = now - dt.timedelta(minutes=rng.randint(1, 600))
            else:
                next_due = now + dt.timedelta(hours=rng.randint(30, 720))
            rows.append(
                Complaint(
                    number=f"BM{index:010d}",
                    kind="complaint",
                    channel="phone",
                    status="in_progress",
                    received_at=now - dt.timedelta(days=3),
                    customer=customer,
                    contact_name="基准客户",
                    description="基准",
                    intake_unit=company,
                    org_unit=company,
                    owner=owner,
                    next_due_at=next_due,
                    next_due_target="resolution",
                    at_risk_at=next_due - dt.timedelta(hours=12),
                )
            )
        with transaction.atomic():
            Complaint.objects.bulk_create(rows)
        made += len(rows)
        print(f"  filled {made:,} ({time.perf_counter() - started:.0f} s)", flush=True)


def timed(label: str, work):
    started = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - started:.3f} s → {result}")
    return result


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    due = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
    print(f"{connection.vendor}: {total:,} open complaints, {due} overdue")
    call_command("migrate", verbosity=0)
    fill(total, due, now)
    # Every run starts alike: the overdue cases un-alerted and held by their owner again.
    DeadlineAlert.objects.filter(complaint__number__startswith="BM").delete()
    owner = User.objects.get(username="bench-owner")
    Complaint.objects.filter(number__lt=f"BM{due:010d}").update(
        alert_stage=0, escalation_level=0, owner=owner
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for kind in (DeadlineAlert.Kind.REMINDER, DeadlineAlert.Kind.ESCALATION_1):
        # The query the sweep runs: ordered and cut to a batch (a count may plan differently).
        queryset = due_for(kind, now=now)[:500]
        timed(f"cases due for {kind} (cold)", lambda q=queryset: len(list(q)))
        timed(f"cases due for {kind} (warm)", lambda q=queryset: len(list(q)))
        print("  plan:", queryset.explain().replace("\n", "\n        "))
    with clock.frozen(now):
        timed(f"first sweep (escalates the {due} overdue cases)", lambda: sweep(now=now))
        timed("second sweep (finds nothing left to do)", lambda: sweep(now=now))


if __name__ == "__main__":
    main()
