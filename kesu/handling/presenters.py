"""Handling records as the API shows them; identity numbers masked unless permitted."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kesu.complaints.presenters import _person


def _local(moment):
    return timezone.localtime(moment) if moment else None


def investigation(row) -> dict[str, Any]:
    return {
        "id": row.pk,
        "method": row.method,
        "method_label": str(row.get_method_display()),
        "investigator": _person(row.investigator),
        "investigated_at": _local(row.investigated_at),
        "findings": row.findings,
        "evidence": [a.pk for a in row.evidence.all()],
        "recorded_at": _local(row.recorded_at),
    }


def cause(row) -> dict[str, Any]:
    return {
        "id": row.pk,
        "level": row.level,
        "category": row.category,
        "category_label": str(row.get_category_display()),
        "description": row.description,
        "recorded_by": _person(row.recorded_by),
        "recorded_at": _local(row.recorded_at),
    }


def task(row) -> dict[str, Any]:
    return {
        "id": row.pk,
        "complaint": row.complaint.number,
        "org_unit": row.org_unit.code,
        "assignee": _person(row.assignee),
        "request": row.request,
        "due_at": _local(row.due_at),
        "state": row.state,
        "result": row.result,
        "created_at": _local(row.created_at),
        "done_at": _local(row.done_at),
    }


def approval(row) -> dict[str, Any]:
    return {
        "round": row.round,
        "amount": row.amount,
        "level": row.level,
        "level_label": str(row.get_level_display()),
        "approver": _person(row.approver),
        "routing": row.routing,
        "state": row.state,
        "comment": row.comment,
        "decided_by": _person(row.decided_by),
        "decided_at": _local(row.decided_at),
    }


def measure(row) -> dict[str, Any]:
    return {
        "round": row.round,
        "kind": row.kind,
        "label": str(row.get_kind_display()),
        "amount": row.amount,
        "note": row.note,
    }


def review(row) -> dict[str, Any]:
    return {
        "id": row.pk,
        "reason": row.reason,
        "reviewer": _person(row.reviewer),
        "routing": row.routing,
        "requested_at": _local(row.requested_at),
        "outcome": row.outcome,
        "finding": row.finding,
        "decided_at": _local(row.decided_at),
    }


def compensation(row, *, full_id: bool) -> dict[str, Any]:
    return {
        "id": row.pk,
        "kind": row.kind,
        "amount": row.amount,
        "payment_status": row.payment_status,
        "id_document_type": row.id_document_type,
        "id_number": row.id_number if full_id else row.id_number_masked,
        "verified_by": _person(row.verified_by),
        "verified_at": _local(row.verified_at),
        "confirmation_method": row.confirmation_method,
        "confirmed_at": _local(row.confirmed_at),
        "confirmed_by_agent": _person(row.confirmed_by_agent),
        "paid_at": _local(row.paid_at),
        "payment_reference": row.payment_reference,
    }


def accountability(row) -> dict[str, Any]:
    return {
        "is_justified": row.is_justified,
        "responsible_party": row.responsible_party,
        "staff": [_person(u) for u in row.staff.all()],
        "penalty": row.penalty.name if row.penalty else None,
        "penalty_amount": row.penalty.amount if row.penalty else None,
        "note": row.note,
        "recorded_by": _person(row.recorded_by),
        "recorded_at": _local(row.recorded_at),
        "approved_by": _person(row.approved_by),
        "approved_at": _local(row.approved_at),
    }
