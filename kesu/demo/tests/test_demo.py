"""The demo firm: every role, every state, six months of genuine timelines."""

import datetime as dt

import pytest
from django.db.models import Count, Max, Min

from kesu.accounts.models import RoleAssignment
from kesu.accounts.roles import Role
from kesu.complaints.models import Complaint, ComplaintEvent
from kesu.complaints.workflow import Status
from kesu.core import clock
from kesu.demo.generator import demo_is_loaded, load_demo

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def test_the_demo_covers_every_role_state_and_the_last_six_months():
    # when
    with clock.frozen(NOW):
        load_demo(count=200, now=NOW)
    # then
    assert demo_is_loaded()
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)
    # 200 walked cases, and one that arrived by email (the demo's mail queue)
    assert Complaint.objects.count() == 201
    assert Complaint.objects.filter(channel="email").count() >= 1
    from kesu.intake.models import InboundEmail

    assert sorted(InboundEmail.objects.values_list("state", flat=True)) == [
        "automatic",
        "new_case",
        "quarantined",
    ]
    assert set(Complaint.objects.values_list("status", flat=True)) == {s.value for s in Status}
    assert set(Complaint.objects.values_list("kind", flat=True)) == {
        "complaint",
        "inquiry",
        "suggestion",
    }
    span = Complaint.objects.aggregate(first=Min("received_at"), last=Max("received_at"))
    assert NOW - dt.timedelta(days=183) < span["first"] < NOW - dt.timedelta(days=150)
    assert NOW - dt.timedelta(days=20) < span["last"] <= NOW
    # every timeline starts with its receipt, runs 1..n without gaps, and never runs past now
    counts = ComplaintEvent.objects.values("complaint").annotate(n=Count("id"), top=Max("sequence"))
    assert all(row["n"] == row["top"] for row in counts)
    assert ComplaintEvent.objects.filter(sequence=1).exclude(type="received").count() == 0
    assert ComplaintEvent.objects.filter(created_at__gt=NOW).count() == 0
    # every case has its deadlines from the general policy, and finished ones their verdicts
    assert not Complaint.objects.filter(kind="complaint", resolution_due__isnull=True).exists()
    closed = Complaint.objects.filter(status="closed", kind="complaint")
    assert not closed.filter(resolution_met__isnull=True).exists()
    assert closed.filter(resolution_met=True).exists()
    assert not closed.filter(next_due_at__isnull=False).exists()
    # some customers come back
    repeats = Complaint.objects.values("customer").annotate(n=Count("id")).filter(n__gt=1)
    assert repeats.count() > 5
