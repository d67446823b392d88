"""Reads of complaints: every interface lists and fetches cases through these."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from kesu.accounts.models import User
from kesu.complaints.access import access_complaint_for_user, complaint_roles_for, complaint_scope_q
from kesu.complaints.models import NO_CLOCK, Category, Complaint, ComplaintEvent
from kesu.complaints.workflow import EXTENSION_PENDING, PAUSED, Action, allowed_actions
from kesu.core import clock

CASE_NUMBER = re.compile(r"[A-Z]{2}\d{8,}")
_RELATED = ("customer", "category", "org_unit", "intake_unit", "owner", "created_by")


@dataclass(frozen=True)
class ComplaintFilters:
    status: str | None = None
    kind: str | None = None
    category: str | None = None
    severity: str | None = None
    risk: str | None = None
    org_unit: str | None = None
    owner: str | None = None
    channel: str | None = None
    received_from: dt.datetime | None = None
    received_to: dt.datetime | None = None
    q: str | None = None
    overdue: bool | None = None
    at_risk: bool | None = None
    due_before: dt.datetime | None = None
    sort: str = "-received"


def complaint_list_for_user(*, user: User, filters: ComplaintFilters) -> QuerySet[Complaint]:
    """The cases `user` may see that match `filters`, newest first."""
    queryset = Complaint.objects.filter(complaint_scope_q(user)).select_related(*_RELATED)
    exact = {
        "status": filters.status,
        "kind": filters.kind,
        "severity": filters.severity,
        "risk": filters.risk,
        "channel": filters.channel,
        "owner__username": filters.owner,
    }
    queryset = queryset.filter(**{key: value for key, value in exact.items() if value})
    if filters.category:
        # A top-level code (A) matches its sub-categories (A01, A02 …) too.
        queryset = queryset.filter(
            Q(category__code=filters.category) | Q(category__parent__code=filters.category)
        )
    if filters.org_unit:
        queryset = queryset.filter(
            Q(org_unit__code=filters.org_unit) | Q(intake_unit__code=filters.org_unit)
        )
    if filters.received_from:
        queryset = queryset.filter(received_at__gte=filters.received_from)
    if filters.received_to:
        queryset = queryset.filter(received_at__lt=filters.received_to)
    if filters.q and CASE_NUMBER.fullmatch(filters.q.strip().upper()):
        # A case number: the unique index answers at once, at any size.
        queryset = queryset.filter(number=filters.q.strip().upper())
    elif filters.q:
        text = filters.q.strip()
        queryset = queryset.filter(
            Q(number__icontains=text)
            | Q(contact_name__icontains=text)
            | Q(contact_phone__contains=text)
            | Q(description__icontains=text)
            | Q(demands__icontains=text)
        )
    now = clock.now()
    if filters.overdue is not None:
        overdue = Q(next_due_at__lte=now, is_awaiting_customer=False)
        queryset = queryset.filter(overdue) if filters.overdue else queryset.exclude(overdue)
    if filters.at_risk is not None:
        at_risk = Q(at_risk_at__lte=now, next_due_at__gt=now, is_awaiting_customer=False)
        queryset = queryset.filter(at_risk) if filters.at_risk else queryset.exclude(at_risk)
    if filters.due_before:
        queryset = queryset.filter(next_due_at__lt=filters.due_before)
    ordering = {
        "-received": ["-received_at", "-pk"],
        "received": ["received_at", "pk"],
        # Nearest deadline first; cases with no running clock last (index-backed).
        "deadline": [NO_CLOCK, "next_due_at", "-received_at", "-pk"],
    }[filters.sort]
    return queryset.order_by(*ordering)


def complaint_get_for_user(*, number: str, user: User) -> Complaint:
    """One case by number, if `user` may see it (else NotFound)."""
    return access_complaint_for_user(
        number=number, user=user, queryset=Complaint.objects.select_related(*_RELATED)
    )


# The responsibility finding is for quality managers and leaders only (PRODUCT.md step 11).
RESTRICTED_EVENTS = ("accountability_recorded", "accountability_approved")
RESTRICTED_READERS = frozenset({"quality_manager", "supervisor", "executive"})


def complaint_timeline(
    *, complaint: Complaint, public_only: bool = False, user: User | None = None
) -> QuerySet[ComplaintEvent]:
    """The case's events in order; the customer's view keeps only the public ones, and
    `user` sees the responsibility finding's steps only if their role may read it."""
    events = complaint.events.select_related("actor").order_by("sequence")
    if user is not None and not complaint_roles_for(user, complaint) & RESTRICTED_READERS:
        events = events.exclude(type__in=RESTRICTED_EVENTS)
    return events.filter(is_public=True) if public_only else events


def complaint_flags(complaint: Complaint) -> frozenset[str]:
    """The facts beyond its status that the workflow asks about a case."""
    flags = set()
    if complaint.is_awaiting_customer:
        flags.add(PAUSED)
    if complaint.extensions.filter(status="pending").exists():
        flags.add(EXTENSION_PENDING)
    return frozenset(flags)


def complaint_actions_for_user(*, complaint: Complaint, user: User) -> list[Action]:
    """What `user` may do to the case now (for the interfaces to offer)."""
    return allowed_actions(
        status=complaint.status,
        kind=complaint.kind,
        roles=complaint_roles_for(user, complaint),
        is_owner=complaint.owner_id == user.pk,
        flags=complaint_flags(complaint),
    )


def category_list_active() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("parent")


# --- the workspace's inboxes ---------------------------------------------------------------------

INBOXES = (
    "mine",
    "department",
    "approval",
    "unassigned",
    "at_risk",
    "overdue",
    "revisits",
    "revisits_missed",
    "closed",
)


def inbox_filter(name: str, user: User, now) -> Q:
    """What puts a case in the inbox `name` for `user` (scope is applied separately)."""
    from kesu.accounts.roles import Role
    from kesu.accounts.selectors import user_role_assignments

    open_cases = ~Q(status__in=["closed", "not_accepted"])
    if name == "mine":
        return open_cases & Q(owner=user)
    if name == "department":
        units = [a.org_unit_id for a in user_role_assignments(user)]
        return open_cases & Q(org_unit_id__in=units)
    if name == "approval":
        # Solutions and requests for more time waiting for someone who leads, not their own.
        if not {a.role for a in user_role_assignments(user)} & {Role.SUPERVISOR, Role.EXECUTIVE}:
            return Q(pk__in=[])
        # A solution waits for the approver it was routed to (回避 passed over the others);
        # a request for more time waits for any leader over the case.
        routed = Q(status="awaiting_approval", approvals__state="pending", approvals__approver=user)
        unrouted = Q(
            status="awaiting_approval", approvals__state="pending", approvals__approver=None
        )
        waiting = routed | unrouted | Q(extensions__status="pending")
        return waiting & ~Q(owner=user)
    if name == "unassigned":
        return Q(status__in=["received", "accepted"], owner__isnull=True)
    if name == "at_risk":
        return Q(at_risk_at__lte=now, next_due_at__gt=now, is_awaiting_customer=False)
    if name == "overdue":
        return Q(next_due_at__lte=now, is_awaiting_customer=False)
    if name == "revisits":
        # answered, or tried and not reached yet (回访列表)
        return Q(status__in=["answered", "follow_up"])
    if name == "revisits_missed":
        # the revisit rate's target is 100%: a case whose revisit is late stays in sight
        return Q(status__in=["answered", "follow_up"], revisit_due__lt=now)
    if name == "closed":
        return Q(status="closed", closed_at__gte=now - dt.timedelta(days=30))
    raise ValueError(name)


def complaint_inbox(*, user: User, name: str) -> QuerySet[Complaint]:
    """One inbox of the workspace, within the user's scope."""
    now = clock.now()
    cases = Complaint.objects.filter(complaint_scope_q(user)).filter(inbox_filter(name, user, now))
    # Only the approval inbox joins (pending extensions), and only it can repeat a case.
    return cases.distinct() if name == "approval" else cases


# Counting a million cases to print "999 999" costs a table scan; past this, "1000+" is
# all anyone needs to read.
INBOX_COUNT_CAP = 1000


def inbox_counts(*, user: User) -> dict[str, int]:
    """Cases in each inbox, counted up to INBOX_COUNT_CAP."""
    return {
        name: complaint_inbox(user=user, name=name)[:INBOX_COUNT_CAP].count() for name in INBOXES
    }


def customer_history(*, customer_id: int, user: User) -> QuerySet[Complaint]:
    """A customer's earlier cases that `user` may see, newest first."""
    return (
        Complaint.objects.filter(complaint_scope_q(user), customer_id=customer_id)
        .select_related("category")
        .order_by("-received_at")
    )
