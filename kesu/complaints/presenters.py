"""How a case is shown to a given user: the API and the CLI print the same shape.

Contact details are masked unless the user's role over this case needs them in full.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from kesu.accounts.models import OrgUnit, User
from kesu.complaints.access import can_see_full_contact
from kesu.complaints.models import Category, Complaint, ComplaintEvent
from kesu.complaints.selectors import complaint_actions_for_user
from kesu.core import clock
from kesu.core.masking import mask_email, mask_name, mask_phone
from kesu.deadlines.watch import time_state


def category_name(category: Category) -> str:
    if get_language() == "en" and category.name_en:
        return category.name_en
    return category.name


def _code_name(thing: OrgUnit | Category | None) -> dict | None:
    if thing is None:
        return None
    name = category_name(thing) if isinstance(thing, Category) else thing.name
    return {"code": thing.code, "name": name}


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    """Times in the firm's zone (Asia/Shanghai by default), so +08:00 reads as the clock did."""
    return None if moment is None else timezone.localtime(moment)


def _person(user: User | None) -> dict | None:
    return None if user is None else {"username": user.username, "name": str(user)}


def _contact(complaint: Complaint, full: bool) -> dict:
    if full:
        name, phone, email = (
            complaint.contact_name,
            complaint.contact_phone,
            complaint.contact_email,
        )
    else:
        name = mask_name(complaint.contact_name)
        phone = mask_phone(complaint.contact_phone)
        email = mask_email(complaint.contact_email)
    return {"name": name, "phone": phone, "email": email, "customer_id": complaint.customer_id}


def complaint_list_item(complaint: Complaint) -> dict[str, Any]:
    """A row of a list: contacts always masked (a list is read over shoulders)."""
    return {
        "number": complaint.number,
        "kind": complaint.kind,
        "channel": complaint.channel,
        "status": complaint.status,
        "received_at": _local(complaint.received_at),
        "complainant": _contact(complaint, full=False),
        "category": _code_name(complaint.category),
        "severity": complaint.severity,
        "risk": complaint.risk,
        "org_unit": _code_name(complaint.org_unit),
        "owner": _person(complaint.owner),
        "escalation_level": complaint.escalation_level,
        "next_due_at": _local(complaint.next_due_at),
        "next_due_target": complaint.next_due_target,
        "time_state": str(
            time_state(
                next_due_at=complaint.next_due_at,
                at_risk_at=complaint.at_risk_at,
                is_paused=complaint.is_awaiting_customer,
                now=clock.now(),
            )
        ),
    }


def _deadline(complaint: Complaint, target: str) -> dict[str, Any]:
    policy = getattr(complaint, f"{target}_policy")
    return {
        "due": _local(getattr(complaint, f"{target}_due")),
        "policy": policy.name if policy else None,
        "met": getattr(complaint, f"{target}_met"),
    }


def complaint_deadlines(complaint: Complaint) -> dict[str, Any]:
    """Each deadline with the policy that set it and whether it was met (None: not yet)."""
    pending = complaint.extensions.filter(status="pending").first()
    return {
        "response": _deadline(complaint, "response"),
        "resolution": _deadline(complaint, "resolution"),
        "revisit": _deadline(complaint, "revisit"),
        "at_risk_at": _local(complaint.at_risk_at),
        "is_awaiting_customer": complaint.is_awaiting_customer,
        "is_filed_late": complaint.is_filed_late,
        "extended_to": (
            {"amount": complaint.resolution_limit_amount, "unit": complaint.resolution_limit_unit}
            if complaint.resolution_limit_amount is not None
            else None
        ),
        "pending_extension": (
            {
                "amount": pending.amount,
                "unit": pending.unit,
                "reason": pending.reason,
                "requested_by": pending.requested_by.username,
            }
            if pending
            else None
        ),
    }


def complaint_detail(complaint: Complaint, *, user: User) -> dict[str, Any]:
    """The whole case as `user` may see it, with the actions open to them now."""
    item = complaint_list_item(complaint)
    item["complainant"] = _contact(complaint, full=can_see_full_contact(user, complaint))
    item.update(
        version=complaint.version,
        intake_unit=_code_name(complaint.intake_unit),
        registered_by=_person(complaint.created_by),
        service_item=complaint.service_item,
        staff_involved=complaint.staff_involved,
        incident_at=_local(complaint.incident_at),
        incident_place=complaint.incident_place,
        description=complaint.description,
        demands=complaint.demands,
        amount_involved=complaint.amount_involved,
        special_flags=list(complaint.special_flags),
        solution=complaint.solution,
        answer=complaint.answer,
        is_customer_satisfied=complaint.is_customer_satisfied,
        satisfaction=complaint.satisfaction,
        accepted_at=_local(complaint.accepted_at),
        answered_at=_local(complaint.answered_at),
        closed_at=_local(complaint.closed_at),
        allowed_actions=[
            str(a) for a in complaint_actions_for_user(complaint=complaint, user=user)
        ],
        response_due=_local(complaint.response_due),
        resolution_due=_local(complaint.resolution_due),
        revisit_due=_local(complaint.revisit_due),
        deadlines=complaint_deadlines(complaint),
        language=complaint.language,
        source_org=complaint.source_org,
        source_reference=complaint.source_reference,
        source_due_at=_local(complaint.source_due_at),
        customer_response=complaint.customer_response,
        customer_responded_at=_local(complaint.customer_responded_at),
        customer_rating=complaint.customer_rating,
        customer_rating_comment=complaint.customer_rating_comment,
        repeat_of=complaint.repeat_of.number if complaint.repeat_of_id else None,
        adoption=complaint.adoption,
        revisit_method=complaint.revisit_method,
    )
    return item


def attachment(row) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.original_name,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "uploaded_at": _local(row.uploaded_at),
        "uploaded_by": _person(row.uploaded_by),
        "is_public": row.is_public,
        "url": f"/api/v1/complaints/{row.complaint.number}/attachments/{row.pk}",
    }


def timeline_event(event: ComplaintEvent) -> dict[str, Any]:
    return {
        "sequence": event.sequence,
        "type": event.type,
        "label": str(event.get_type_display()),
        "at": _local(event.created_at),
        "actor": _person(event.actor),
        "is_public": event.is_public,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "message": event.message,
        "data": event.data,
    }
