"""Timeline constructors: every change to a case writes exactly one of these, in the same
transaction, naming the actor (None for the system)."""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from kesu.accounts.models import User
from kesu.complaints.models import Complaint, ComplaintEvent
from kesu.core import clock

Type = ComplaintEvent.Type


def _append(
    *,
    complaint: Complaint,
    actor: User | None,
    type: str,
    is_public: bool = False,
    from_status: str = "",
    to_status: str = "",
    message: str = "",
    data: dict[str, Any] | None = None,
) -> ComplaintEvent:
    # The caller holds the case's row lock, so the next sequence number is ours alone.
    last = ComplaintEvent.objects.filter(complaint=complaint).aggregate(last=Max("sequence"))
    return ComplaintEvent.objects.create(
        complaint=complaint,
        sequence=(last["last"] or 0) + 1,
        type=type,
        actor=actor,
        created_at=clock.now(),
        is_public=is_public,
        from_status=from_status,
        to_status=to_status,
        message=message,
        data=data or {},
    )


def complaint_received_event(
    *, complaint: Complaint, actor: User | None, data: dict[str, Any]
) -> ComplaintEvent:
    return _append(
        complaint=complaint,
        actor=actor,
        type=Type.RECEIVED,
        is_public=True,
        to_status=complaint.status,
        data=data,
    )


def complaints_imported_events(
    *, actor: User, imported: list[tuple[Complaint, dict[str, Any]]]
) -> None:
    """The first event of each case loaded from an earlier system (new rows: nobody else
    writes their timelines yet, so each starts at 1)."""
    now = clock.now()
    ComplaintEvent.objects.bulk_create(
        ComplaintEvent(
            complaint=complaint,
            sequence=1,
            type=Type.IMPORTED,
            actor=actor,
            created_at=now,
            to_status=complaint.status,
            data=data,
        )
        for complaint, data in imported
    )


# Which transitions the customer sees on their timeline: decisions about them, not internals.
_PUBLIC_TRANSITIONS = frozenset(
    {Type.ACCEPTED, Type.REJECTED, Type.ANSWERED, Type.FOLLOWED_UP, Type.CLOSED, Type.REOPENED}
)


def complaint_transitioned_event(
    *,
    complaint: Complaint,
    actor: User,
    type: str,
    from_status: str,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> ComplaintEvent:
    return _append(
        complaint=complaint,
        actor=actor,
        type=type,
        is_public=type in _PUBLIC_TRANSITIONS,
        from_status=from_status,
        to_status=complaint.status,
        message=message,
        data=data,
    )


def complaint_updated_event(
    *,
    complaint: Complaint,
    actor: User,
    changes: dict[str, list[Any]],
    deadlines: dict[str, list[Any]] | None = None,
) -> ComplaintEvent:
    data: dict[str, Any] = {"changes": changes}
    if deadlines:
        data["deadlines"] = deadlines
    return _append(complaint=complaint, actor=actor, type=Type.UPDATED, data=data)


def complaint_deadlines_set_event(
    *, complaint: Complaint, actor: User | None, deadlines: dict[str, list[Any]], message: str = ""
) -> ComplaintEvent:
    return _append(
        complaint=complaint,
        actor=actor,
        type=Type.DEADLINES_SET,
        message=message,
        data={"deadlines": deadlines},
    )


# Waiting on the customer is something they must know: they are the one asked.
_PUBLIC_CLOCK_EVENTS = frozenset({Type.PAUSED, Type.RESUMED})


def complaint_clock_event(
    *,
    complaint: Complaint,
    actor: User | None,
    type: str,
    message: str = "",
    data: dict[str, Any] | None = None,
    is_public: bool | None = None,
) -> ComplaintEvent:
    """Pauses, extensions, reminders, files: the case changes, its status does not."""
    return _append(
        complaint=complaint,
        actor=actor,
        type=type,
        is_public=type in _PUBLIC_CLOCK_EVENTS if is_public is None else is_public,
        from_status=complaint.status,
        to_status=complaint.status,
        message=message,
        data=data,
    )


def complaint_escalated_event(
    *, complaint: Complaint, actor: User | None, reason: str, changes: dict[str, list[Any]]
) -> ComplaintEvent:
    return _append(
        complaint=complaint,
        actor=actor,
        type=Type.ESCALATED,
        from_status=complaint.status,
        to_status=complaint.status,
        message=reason,
        data={"changes": changes},
    )


def complaint_note_added_event(
    *, complaint: Complaint, actor: User, text: str, is_public: bool
) -> ComplaintEvent:
    return _append(
        complaint=complaint, actor=actor, type=Type.NOTE_ADDED, is_public=is_public, message=text
    )


def complaint_customer_event(
    *,
    complaint: Complaint,
    type: str,
    message: str = "",
    data: dict[str, Any] | None = None,
    from_status: str = "",
) -> ComplaintEvent:
    """The customer's own step (no actor): what they wrote is on their timeline too."""
    return _append(
        complaint=complaint,
        actor=None,
        type=type,
        is_public=True,
        from_status=from_status or complaint.status,
        to_status=complaint.status,
        message=message,
        data=data,
    )


def complaint_message_event(
    *, complaint: Complaint, type: str, message: str, data: dict[str, Any]
) -> ComplaintEvent:
    """A message to the customer went out, or failed: for staff, not on the customer's view."""
    return _append(
        complaint=complaint,
        actor=None,
        type=type,
        from_status=complaint.status,
        to_status=complaint.status,
        message=message,
        data=data,
    )


def complaint_step_event(
    *,
    complaint: Complaint,
    actor: User | None,
    type: str,
    message: str = "",
    data: dict[str, Any] | None = None,
    is_public: bool = False,
) -> ComplaintEvent:
    """A handling record (investigation, cause, task, compensation …): the status stays."""
    return _append(
        complaint=complaint,
        actor=actor,
        type=type,
        is_public=is_public,
        from_status=complaint.status,
        to_status=complaint.status,
        message=message,
        data=data,
    )
