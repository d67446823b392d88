"""Everything Kesu can do to a complaint. The only module that changes a case's status.

Each service locks the case, asks workflow.check_transition, changes the row and writes one
timeline event, all in one transaction: a refused step leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.accounts.models import OrgUnit, User
from kesu.accounts.roles import Role
from kesu.accounts.selectors import escalation_chain, user_home_unit, user_role_assignments
from kesu.complaints import events
from kesu.complaints.access import can_see_complaint, complaint_roles_for
from kesu.complaints.attachments import sniff_type
from kesu.complaints.models import (
    Category,
    Channel,
    Complaint,
    ComplaintAttachment,
    Risk,
    Severity,
    SpecialFlag,
)
from kesu.complaints.numbering import allocate_number, allocate_numbers
from kesu.complaints.presets import PRESETS
from kesu.complaints.selectors import complaint_flags
from kesu.complaints.workflow import (
    DISPUTE_TARGET,
    FINAL_STATUSES,
    Action,
    CustomerStep,
    Kind,
    Status,
    Transition,
    check_customer_step,
    check_edit,
    check_transition,
    escalation_target,
)
from kesu.core import clock
from kesu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kesu.core.validation import require_choice, require_text
from kesu.customers.contacts import normalize_email, normalize_phone
from kesu.customers.services import customer_match_or_create
from kesu.deadlines.calendars import Unit, to_timedelta
from kesu.deadlines.engine import calendar_for, compute_deadlines, lookups_shared
from kesu.deadlines.models import DeadlineAlert, DeadlineExtension, Target
from kesu.deadlines.services import time_limit_preset_load
from kesu.handling import records, rules
from kesu.notifications.customer import customer_message_queue
from kesu.notifications.models import MessageKind, OutboundMessage
from kesu.notifications.services import notify

Type = events.Type


# --- validation helpers shared by intake and edits -------------------------------------------


def _require_choice(field: str, value: str, choices: list[str]) -> str:
    return require_choice(field, value, choices)


def _require_length(field: str, value: str, *, maximum: int, required: bool = False) -> str:
    return require_text(field, value, maximum=maximum, required=required)


def category_for_code(code: str) -> Category:
    """The active category with this code, or a validation error naming the field."""
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise ValidationFailed(
            _("Unknown category “%(code)s”.") % {"code": code},
            fields={"category": _("No active category has this code.")},
        )
    return category


def _normalized_contact(phone: str, email: str) -> tuple[str, str]:
    errors = {}
    try:
        phone = normalize_phone(phone)
    except ValueError as error:
        errors["complainant.phone"] = str(error)
    try:
        email = normalize_email(email)
    except ValueError as error:
        errors["complainant.email"] = str(error)
    if errors:
        raise ValidationFailed(_("The contact details are not valid."), fields=errors)
    return phone, email


def _check_not_future(field: str, moment: dt.datetime | None) -> None:
    if moment is None:
        return
    if timezone.is_naive(moment):
        raise ValidationFailed(
            _("%(field)s needs a time zone.") % {"field": field},
            fields={field: _("Give a time with its offset, e.g. +08:00.")},
        )
    if moment > clock.now():
        raise ValidationFailed(
            _("%(field)s cannot be in the future.") % {"field": field},
            fields={field: _("Cannot be in the future.")},
        )


def _check_flags(flags: list[str]) -> list[str]:
    for flag in flags:
        _require_choice("special_flags", flag, SpecialFlag.values)
    return sorted(set(flags))


def _check_amount(amount: Decimal | None) -> Decimal | None:
    if amount is not None and (amount < 0 or amount >= Decimal("1e12")):
        raise ValidationFailed(
            _("The amount involved is out of range."),
            fields={"amount_involved": _("Between 0 and 999,999,999,999.99.")},
        )
    return amount


def intake_default_unit() -> OrgUnit:
    """Where cases that reach no member of staff first (portal, email) are received."""
    code = settings.KESU_INTAKE_UNIT
    unit = (
        OrgUnit.objects.filter(code=code, is_active=True).first()
        if code
        else OrgUnit.objects.filter(parent__isnull=True, is_active=True).order_by("pk").first()
    )
    if unit is None:
        raise Conflict(
            _("No org unit receives cases yet: an administrator must create one first."),
            code="no_intake_unit",
        )
    return unit


def _intake_unit_for(actor: User | None, code: str | None) -> OrgUnit:
    if actor is None:
        if not code:
            return intake_default_unit()
        unit = OrgUnit.objects.filter(code=code, is_active=True).first()
        if unit is None:
            raise ValidationFailed(
                _("Unknown org unit “%(code)s”.") % {"code": code},
                fields={"intake_unit": _("Unknown org unit.")},
            )
        return unit
    home = user_home_unit(actor)
    if not code:
        if home is None:
            raise PermissionDenied(
                _("You hold no role in any org unit, so you cannot register cases.")
            )
        return home
    unit = OrgUnit.objects.filter(code=code, is_active=True).first()
    if unit is None:
        raise ValidationFailed(
            _("Unknown org unit “%(code)s”.") % {"code": code},
            fields={"intake_unit": _("Unknown org unit.")},
        )
    if not actor.is_superuser and not any(
        unit.path.startswith(a.org_unit.path) for a in user_role_assignments(actor)
    ):
        raise ValidationFailed(
            _("You cannot register cases for “%(unit)s”.") % {"unit": unit.name},
            fields={"intake_unit": _("Not one of your org units.")},
        )
    return unit


# --- deadlines -------------------------------------------------------------------------------

_DEADLINE_FIELDS = (
    "response_due",
    "resolution_due",
    "revisit_due",
    "response_policy",
    "resolution_policy",
    "revisit_policy",
    "next_due_at",
    "next_due_target",
    "at_risk_at",
    "is_filed_late",
)
# What the timeline shows of a deadline change: the dues and the policies that set them.
_DEADLINES_SHOWN = (
    "response_due",
    "resolution_due",
    "revisit_due",
    "response_policy",
    "resolution_policy",
    "revisit_policy",
)


def _shown(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if value is not None and hasattr(value, "name"):
        return value.name
    return value


def _refresh_deadlines(complaint: Complaint) -> tuple[list[str], dict[str, list[Any]]]:
    """Recompute the case's deadlines in place: the changed fields, and the changes a
    person would want on the timeline (before, after)."""
    computed = compute_deadlines(
        complaint, is_finished=complaint.status in FINAL_STATUSES
    ).as_fields()
    changed, shown = [], {}
    for field, value in computed.items():
        before = getattr(complaint, field)
        if before != value:
            setattr(complaint, field, value)
            changed.append(field)
            if field in _DEADLINES_SHOWN:
                shown[field] = [_shown(before), _shown(value)]
    if {"next_due_at", "next_due_target"} & set(changed) and complaint.alert_stage:
        # A new deadline is watched afresh.
        complaint.alert_stage = 0
        changed.append("alert_stage")
    return changed, shown


def _met(done_at: dt.datetime | None, due: dt.datetime | None) -> bool | None:
    return None if done_at is None or due is None else done_at <= due


def _record_response(complaint: Complaint, moment: dt.datetime) -> list[str]:
    """The first time the customer hears from us: met or missed, recorded once."""
    if complaint.responded_at is not None:
        return []
    complaint.responded_at = moment
    complaint.response_met = _met(moment, complaint.response_due)
    return ["responded_at", "response_met"]


# --- intake ----------------------------------------------------------------------------------


def _duplicate_referral(source_org: str, reference: str) -> Conflict:
    return Conflict(
        _("%(source)s reference %(reference)s is already a case.")
        % {"source": source_org, "reference": reference},
        code="duplicate_referral",
    )


@transaction.atomic
def complaint_receive(
    *,
    actor: User,
    kind: str,
    channel: str,
    contact_name: str,
    description: str,
    contact_phone: str = "",
    contact_email: str = "",
    demands: str = "",
    category: str | None = None,
    severity: str | None = None,
    risk: str | None = None,
    received_at: dt.datetime | None = None,
    service_item: str = "",
    staff_involved: str = "",
    incident_at: dt.datetime | None = None,
    incident_place: str = "",
    amount_involved: Decimal | None = None,
    special_flags: list[str] | None = None,
    intake_unit: str | None = None,
    language: str = "",
    source_org: str = "",
    source_reference: str = "",
    source_due_at: dt.datetime | None = None,
    extra: dict[str, Any] | None = None,
    acknowledge: bool = True,
) -> Complaint:
    """Register a case as received, number it, link it to its customer, and acknowledge it.

    `actor` None is the customer themselves (the portal) or an email that opened the case.
    A referral names its source, the source's reference (unique per source: the same work
    order is never made into two cases) and the source's own deadline. `extra` lands in the
    timeline's first event (the privacy notice consented to, the email it came from, …).
    """
    limit = settings.KESU_MAX_TEXT_LENGTH
    _require_choice("kind", kind, [k.value for k in Kind])
    _require_choice("channel", channel, Channel.values)
    contact_name = _require_length("complainant.name", contact_name, maximum=100, required=True)
    description = _require_length("description", description, maximum=limit, required=True)
    demands = _require_length("demands", demands, maximum=limit)
    service_item = _require_length("service_item", service_item, maximum=200)
    staff_involved = _require_length("staff_involved", staff_involved, maximum=200)
    incident_place = _require_length("incident_place", incident_place, maximum=200)
    phone, email = _normalized_contact(contact_phone, contact_email)
    category_row = category_for_code(category) if category else None
    severity = (
        _require_choice("severity", severity, Severity.values) if severity else Severity.GENERAL
    )
    risk = _require_choice("risk", risk, Risk.values) if risk else Risk.LOW
    _check_not_future("received_at", received_at)
    _check_not_future("incident_at", incident_at)
    flags = _check_flags(special_flags or [])
    amount_involved = _check_amount(amount_involved)
    unit = _intake_unit_for(actor, intake_unit)
    source_org = _require_length("source_org", source_org, maximum=100)
    source_reference = _require_length("source_reference", source_reference, maximum=100)
    if source_reference and not source_org:
        raise ValidationFailed(
            _("A referrer's reference needs the referrer's name."),
            fields={"source_org": _("Who referred the case?")},
        )
    if source_due_at is not None and timezone.is_naive(source_due_at):
        raise ValidationFailed(
            _("%(field)s needs a time zone.") % {"field": "source_due_at"},
            fields={"source_due_at": _("Give a time with its offset, e.g. +08:00.")},
        )
    if (
        source_reference
        and Complaint.objects.filter(
            source_org=source_org, source_reference=source_reference
        ).exists()
    ):
        raise _duplicate_referral(source_org, source_reference)
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE

    now = clock.now()
    customer = customer_match_or_create(name=contact_name, phone=phone, email=email)
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                number=allocate_number(kind=kind, day=clock.local_date(now)),
                kind=kind,
                channel=channel,
                received_at=received_at or now,
                customer=customer,
                contact_name=contact_name,
                contact_phone=phone,
                contact_email=email,
                service_item=service_item,
                staff_involved=staff_involved,
                incident_at=incident_at,
                incident_place=incident_place,
                description=description,
                demands=demands,
                amount_involved=amount_involved,
                special_flags=flags,
                category=category_row,
                severity=severity,
                risk=risk,
                intake_unit=unit,
                created_by=actor,
                language=language,
                source_org=source_org,
                source_reference=source_reference,
                source_due_at=source_due_at,
            )
    except IntegrityError as error:
        # The same reference registered a moment ago by someone else.
        raise _duplicate_referral(source_org, source_reference) from error
    changed, shown = _refresh_deadlines(complaint)
    prior = records.repeat_candidate(complaint)
    if prior is not None:
        complaint.repeat_of = prior
        changed.append("repeat_of")
    if changed:
        complaint.save(update_fields=changed)
    data: dict[str, Any] = {"channel": channel, **(extra or {})}
    if prior is not None:
        data["repeat_of"] = prior.number
    if source_org:
        data["source"] = {
            "org": source_org,
            "reference": source_reference,
            "due_at": source_due_at.isoformat() if source_due_at else None,
        }
    if shown:
        data["deadlines"] = shown
    if received_at is not None:
        # A letter or referral registered after the fact: the record says so.
        data["received_at_given"] = received_at.isoformat()
        data["registered_at"] = now.isoformat()
    events.complaint_received_event(complaint=complaint, actor=actor, data=data)
    if acknowledge:
        customer_message_queue(kind=MessageKind.ACKNOWLEDGEMENT, complaint=complaint)
    return complaint


# --- edits -----------------------------------------------------------------------------------

EDITABLE_FIELDS = (
    "category",
    "severity",
    "risk",
    "received_at",
    "service_item",
    "staff_involved",
    "incident_at",
    "incident_place",
    "description",
    "demands",
    "amount_involved",
    "special_flags",
)


def _lock(complaint: Complaint, actor: User, expected_version: int | None) -> Complaint:
    locked = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("org_unit", "intake_unit", "category", "owner")
        .filter(pk=complaint.pk)
        .first()
    )
    if locked is None or not can_see_complaint(actor, locked):
        raise NotFound(f"no complaint {complaint.number}", code="complaint_not_found")
    if expected_version is not None and expected_version != locked.version:
        raise Conflict(
            _(
                "The case was changed by someone else (version %(theirs)s, you saw %(yours)s). "
                "Reload it."
            )
            % {"theirs": locked.version, "yours": expected_version},
            code="version_conflict",
        )
    return locked


def complaint_lock(
    complaint: Complaint, actor: User, expected_version: int | None = None
) -> Complaint:
    """The case locked for a handling record, if `actor` may see it (kesu.handling)."""
    return _lock(complaint, actor, expected_version)


def complaint_touch(locked: Complaint, *fields: str) -> Complaint:
    """A handling record changed the case: save `fields` and move its version on."""
    locked.version += 1
    locked.save(update_fields=[*fields, "version", "updated_at"])
    return locked


def _as_json(value: Any) -> Any:
    if isinstance(value, Category):
        return value.code
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _clean_edit(field: str, value: Any) -> Any:
    limit = settings.KESU_MAX_TEXT_LENGTH
    if field == "category":
        return category_for_code(value) if value else None
    if field == "severity":
        return _require_choice("severity", value, Severity.values)
    if field == "risk":
        return _require_choice("risk", value, Risk.values)
    if field in ("received_at", "incident_at"):
        _check_not_future(field, value)
        if field == "received_at" and value is None:
            raise ValidationFailed(
                _("received_at cannot be emptied."), fields={field: _("This field is required.")}
            )
        return value
    if field == "description":
        return _require_length(field, value, maximum=limit, required=True)
    if field == "demands":
        return _require_length(field, value, maximum=limit)
    if field in ("service_item", "staff_involved", "incident_place"):
        return _require_length(field, value, maximum=200)
    if field == "amount_involved":
        return _check_amount(value)
    if field == "special_flags":
        return _check_flags(value or [])
    raise ValidationFailed(
        _("“%(field)s” cannot be changed here.") % {"field": field},
        fields={field: _("Not an editable field.")},
    )


@transaction.atomic
def complaint_update(
    *,
    complaint: Complaint,
    actor: User,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> Complaint:
    """Change a case's recorded fields; every change lands on the timeline with before/after."""
    locked = _lock(complaint, actor, expected_version)
    unknown = [field for field in changes if field not in EDITABLE_FIELDS]
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)},
            fields={field: _("Not an editable field.") for field in unknown},
        )
    check_edit(
        fields=changes.keys(),
        status=locked.status,
        roles=complaint_roles_for(actor, locked),
        is_owner=locked.owner_id == actor.pk,
    )
    cleaned = {field: _clean_edit(field, value) for field, value in changes.items()}
    diff = {}
    for field, value in cleaned.items():
        before = getattr(locked, field)
        if before != value:
            diff[field] = [_as_json(before), _as_json(value)]
            setattr(locked, field, value)
    if not diff:
        return locked
    deadline_fields, deadline_changes = _refresh_deadlines(locked)
    prior = (
        records.repeat_candidate(locked) if "category" in diff and not locked.repeat_of_id else None
    )
    if prior is not None:
        locked.repeat_of = prior
        deadline_fields.append("repeat_of")
    locked.version += 1
    locked.save(update_fields=[*diff.keys(), *deadline_fields, "version", "updated_at"])
    events.complaint_updated_event(
        complaint=locked, actor=actor, changes=diff, deadlines=deadline_changes
    )
    if prior is not None:
        events.complaint_step_event(
            complaint=locked,
            actor=None,
            type=Type.REPEAT_LINKED,
            message=prior.number,
            data={"repeat_of": prior.number},
        )
    return locked


# --- transitions -----------------------------------------------------------------------------


def _begin(
    complaint: Complaint,
    actor: User,
    action: Action,
    payload: dict[str, Any],
    expected_version: int | None,
) -> tuple[Complaint, Transition]:
    locked = _lock(complaint, actor, expected_version)
    transition = check_transition(
        action,
        status=locked.status,
        kind=locked.kind,
        roles=complaint_roles_for(actor, locked),
        is_owner=locked.owner_id == actor.pk,
        payload=payload,
        flags=complaint_flags(locked),
    )
    return locked, transition


def _finish(
    locked: Complaint,
    *,
    actor: User,
    transition: Transition,
    fields: list[str],
    event_type: str,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> Complaint:
    from_status = locked.status
    if transition.target is not None:
        locked.status = transition.target.value
    deadline_fields, deadline_changes = _refresh_deadlines(locked)
    if deadline_changes:
        data = {**(data or {}), "deadlines": deadline_changes}
    locked.version += 1
    locked.save(update_fields=[*fields, *deadline_fields, "status", "version", "updated_at"])
    events.complaint_transitioned_event(
        complaint=locked,
        actor=actor,
        type=event_type,
        from_status=from_status,
        message=message,
        data=data,
    )
    return locked


def _text(field: str, value: str) -> str:
    return _require_length(field, value, maximum=settings.KESU_MAX_TEXT_LENGTH)


@transaction.atomic
def complaint_accept(
    *, complaint: Complaint, actor: User, note: str = "", expected_version: int | None = None
) -> Complaint:
    """受理: the case is justified and within scope; the customer is promised a reply."""
    locked, transition = _begin(complaint, actor, Action.ACCEPT, {}, expected_version)
    locked.accepted_at = clock.now()
    return _finish(
        locked,
        actor=actor,
        transition=transition,
        fields=["accepted_at", *_record_response(locked, locked.accepted_at)],
        event_type=Type.ACCEPTED,
        message=_text("note", note),
    )


@transaction.atomic
def complaint_reject(
    *, complaint: Complaint, actor: User, reason: str = "", expected_version: int | None = None
) -> Complaint:
    """不予受理: the case ends here, and the customer is told why."""
    locked, transition = _begin(
        complaint, actor, Action.REJECT, {"reason": reason}, expected_version
    )
    locked = _finish(
        locked,
        actor=actor,
        transition=transition,
        fields=[],
        event_type=Type.REJECTED,
        message=_text("reason", reason),
    )
    customer_message_queue(
        kind=MessageKind.NOT_ACCEPTED, complaint=locked, variables={"reason": reason.strip()}
    )
    return locked


def _assignable(assignee: User | str, org_unit: OrgUnit | str) -> tuple[User, OrgUnit]:
    if isinstance(org_unit, str):
        found = OrgUnit.objects.filter(code=org_unit, is_active=True).first()
        if found is None:
            raise ValidationFailed(
                _("Unknown org unit “%(code)s”.") % {"code": org_unit},
                fields={"org_unit": _("Unknown org unit.")},
            )
        org_unit = found
    if isinstance(assignee, str):
        found_user = User.objects.filter(username=assignee, is_active=True).first()
        if found_user is None:
            raise ValidationFailed(
                _("Unknown user “%(username)s”.") % {"username": assignee},
                fields={"assignee": _("No active user has this username.")},
            )
        assignee = found_user
    if not assignee.is_active:
        raise ValidationFailed(
            _("The assignee is not active."), fields={"assignee": _("Inactive user.")}
        )
    # The owner must work in the responsible unit, or lead a unit above it.
    if not any(
        org_unit.path.startswith(a.org_unit.path)
        and (a.org_unit_id == org_unit.pk or a.role in (Role.SUPERVISOR, Role.EXECUTIVE))
        for a in user_role_assignments(assignee)
    ):
        raise ValidationFailed(
            _("%(user)s does not work in %(unit)s.") % {"user": assignee, "unit": org_unit},
            fields={"assignee": _("Not a member of the responsible unit.")},
        )
    return assignee, org_unit


@transaction.atomic
def complaint_assign(
    *,
    complaint: Complaint,
    actor: User,
    assignee: User | str | None = None,
    org_unit: OrgUnit | str | None = None,
    category: str | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """分派: name the responsible unit and owner (the 三来处理反馈单). A complaint must be
    classified first; the category may be given here."""
    payload = {"assignee": assignee, "org_unit": org_unit}
    locked, transition = _begin(complaint, actor, Action.ASSIGN, payload, expected_version)
    assignee, org_unit = _assignable(assignee, org_unit)
    fields = ["owner", "org_unit"]
    data: dict[str, Any] = {
        "changes": {
            "owner": [locked.owner.username if locked.owner else None, assignee.username],
            "org_unit": [locked.org_unit.code if locked.org_unit else None, org_unit.code],
        }
    }
    if category:
        new_category = category_for_code(category)
        data["changes"]["category"] = [_as_json(locked.category), new_category.code]
        locked.category = new_category
        fields.append("category")
    if locked.kind == Kind.COMPLAINT and locked.category is None:
        raise ValidationFailed(
            _("Classify the complaint before assigning it."),
            fields={"category": _("This field is required.")},
        )
    locked.owner, locked.org_unit = assignee, org_unit
    return _finish(
        locked,
        actor=actor,
        transition=transition,
        fields=fields,
        event_type=Type.ASSIGNED,
        message=_text("note", note),
        data=data,
    )


@transaction.atomic
def complaint_start(
    *, complaint: Complaint, actor: User, note: str = "", expected_version: int | None = None
) -> Complaint:
    """The owner takes the case up and begins the investigation."""
    locked, transition = _begin(complaint, actor, Action.START, {}, expected_version)
    return _finish(
        locked,
        actor=actor,
        transition=transition,
        fields=[],
        event_type=Type.STARTED,
        message=_text("note", note),
    )


@transaction.atomic
def complaint_propose(
    *,
    complaint: Complaint,
    actor: User,
    solution: str = "",
    measures: list[dict[str, Any]] | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """处理方案: the owner proposes measures (with their amounts) and the text for the
    customer. The approval is routed by the money it gives away, past anyone conflicted."""
    locked, transition = _begin(
        complaint, actor, Action.PROPOSE, {"solution": solution}, expected_version
    )
    locked.solution = _text("solution", solution)
    round_, money = records.measures_replace(
        locked,
        measures if measures is not None else [{"kind": "other", "note": locked.solution[:500]}],
    )
    approval = records.approval_route(locked, round_=round_, money=money)
    locked = _finish(
        locked,
        actor=actor,
        transition=transition,
        fields=["solution"],
        event_type=Type.PROPOSED,
        message=locked.solution,
        data={
            "measures": [
                {"kind": m.kind, "amount": _as_json(m.amount), "note": m.note}
                for m in records.current_measures(locked)
            ],
            "money": str(money),
        },
    )
    approver = approval.approver
    events.complaint_step_event(
        complaint=locked,
        actor=None,
        type=Type.APPROVAL_ROUTED,
        message=approval.routing,
        data={
            "level": approval.level,
            "approver": approver.username if approver else None,
            "money": str(money),
        },
    )
    notify(
        recipients=[approver]
        if approver
        else escalation_chain(locked.org_unit or locked.intake_unit)[-1:],
        kind="approval_requested",
        title=_("%(number)s waits for your approval") % {"number": locked.number},
        body=locked.solution,
        complaint=locked,
    )
    return locked


def _check_approver(locked: Complaint, actor: User) -> Any:
    """The pending approval, if `actor` may decide it: the routed approver or a leader above
    them, and never someone who handled the case or is named in it (回避)."""
    approval = records.approval_pending(locked)
    reason = rules.conflict_reason(
        user_id=actor.pk,
        names=[n for n in (actor.display_name, actor.username) if n],
        handled_by=records.handled_by(locked),
        staff_involved=locked.staff_involved,
    )
    if reason:
        raise PermissionDenied(
            _("You must stand aside from this approval: you %(reason)s.") % {"reason": reason}
        )
    if approval is None or approval.approver_id in (None, actor.pk):
        return approval
    chain = [u.pk for u in escalation_chain(locked.org_unit or locked.intake_unit)]
    if (
        approval.approver_id in chain
        and actor.pk in chain
        and chain.index(actor.pk) > chain.index(approval.approver_id)
    ):
        return approval
    if actor.is_superuser:
        return approval
    raise PermissionDenied(
        _("This approval waits for %(person)s (%(level)s).")
        % {"person": approval.approver, "level": approval.get_level_display()}
    )


def _decide(approval, *, actor: User, state: str, comment: str) -> None:
    if approval is None:
        return
    approval.state, approval.comment = state, comment
    approval.decided_by, approval.decided_at = actor, clock.now()
    approval.save(update_fields=["state", "comment", "decided_by", "decided_at"])


@transaction.atomic
def complaint_approve(
    *, complaint: Complaint, actor: User, comment: str = "", expected_version: int | None = None
) -> Complaint:
    """主管批示: the routed approver (or a leader above them) approves the solution."""
    locked, transition = _begin(complaint, actor, Action.APPROVE, {}, expected_version)
    if locked.owner_id == actor.pk:
        # 回避: nobody approves their own solution.
        raise PermissionDenied(_("You proposed this solution, so someone else must approve it."))
    approval = _check_approver(locked, actor)
    comment = _text("comment", comment)
    _decide(approval, actor=actor, state="approved", comment=comment)
    return _finish(
        locked,
        actor=actor,
        transition=transition,
        fields=[],
        event_type=Type.APPROVED,
        message=comment,
    )


@transaction.atomic
def complaint_return(
    *, complaint: Complaint, actor: User, reason: str = "", expected_version: int | None = None
) -> Complaint:
    """The approver sends the solution back to the owner with the reason."""
    locked, transition = _begin(
        complaint, actor, Action.RETURN, {"reason": reason}, expected_version
    )
    approval = _check_approver(locked, actor)
    reason = _text("reason", reason)
    _decide(approval, actor=actor, state="returned", comment=reason)
    return _finish(
        locked,
        actor=actor,
        transition=transition,
        fields=[],
        event_type=Type.RETURNED,
        message=reason,
    )


@transaction.atomic
def complaint_answer(
    *,
    complaint: Complaint,
    actor: User,
    answer: str = "",
    findings: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """答复: the decision letter goes to the customer. For a complaint or a suggestion it says
    what was found, what will be done (or whether the suggestion is adopted), and where the
    customer may turn if they disagree; an inquiry gets its answer as it is."""
    locked, transition = _begin(
        complaint, actor, Action.ANSWER, {"answer": answer}, expected_version
    )
    decision, findings = _text("answer", answer), _text("findings", findings)
    tasks = records.open_tasks(locked)
    if tasks:
        raise Conflict(
            _(
                "Collaboration tasks are still open (%(units)s): wait for them, or ask a "
                "supervisor to override them."
            )
            % {"units": "、".join(str(t.org_unit) for t in tasks)},
            code="tasks_open",
        )
    if locked.kind == Kind.SUGGESTION and not locked.adoption:
        raise Conflict(
            _("A supervisor must decide whether the suggestion is adopted before it is answered."),
            code="adoption_missing",
        )
    if locked.kind == Kind.INQUIRY:
        locked.answer = decision
    else:
        if not findings:
            findings = "\n".join(i.findings for i in locked.investigations.all())
        with translation.override(locked.language):
            locked.answer = rules.decision_letter(
                findings=findings,
                decision=decision,
                routes=records.appeal_routes(locked, locked.language),
                adoption=str(locked.get_adoption_display()) if locked.adoption else "",
            )
    locked.answered_at = clock.now()
    if locked.owner_id is None:
        locked.owner = actor
    fields = ["answer", "answered_at", "owner", *_record_response(locked, locked.answered_at)]
    if locked.resolution_met is None:
        # The first answer decides timeliness; a reopened case is counted by reopen rates.
        locked.resolution_met = _met(locked.answered_at, locked.resolution_due)
        fields.append("resolution_met")
    locked = _finish(
        locked,
        actor=actor,
        transition=transition,
        fields=fields,
        event_type=Type.ANSWERED,
        message=locked.answer,
    )
    customer_message_queue(kind=MessageKind.ANSWER, complaint=locked)
    return locked


@transaction.atomic
def complaint_follow_up(
    *,
    complaint: Complaint,
    actor: User,
    note: str = "",
    is_satisfied: bool | None = None,
    satisfaction: int | None = None,
    method: str = "phone",
    reached: bool = True,
    expected_version: int | None = None,
) -> Complaint:
    """回访: how the customer was reached and how satisfied they are (5 very satisfied … 1
    very dissatisfied). Satisfied (3 or better) closes the case; dissatisfied reopens it for
    another round of handling. A customer not reached leaves it waiting for another try."""
    payload = {"note": note}
    locked, transition = _begin(complaint, actor, Action.FOLLOW_UP, payload, expected_version)
    _require_choice("method", method, ["phone", "sms", "email", "visit", "portal"])
    if satisfaction is not None and (
        isinstance(satisfaction, bool)
        or not isinstance(satisfaction, int)
        or not 1 <= satisfaction <= 5
    ):
        raise ValidationFailed(
            _("Satisfaction is rated 1 to 5."), fields={"satisfaction": _("1 to 5.")}
        )
    if reached and satisfaction is None and is_satisfied is None:
        raise ValidationFailed(
            _("Record how satisfied the customer is (1 to 5)."),
            fields={"satisfaction": _("This field is required.")},
        )
    if reached:
        satisfied = rules.is_satisfied(satisfaction) if satisfaction is not None else is_satisfied
        locked.is_customer_satisfied = bool(satisfied)
        locked.satisfaction = satisfaction
    locked.revisit_method = method
    if reached:
        # An attempt that did not reach the customer does not stop the revisit clock.
        locked.revisited_at = clock.now()
    fields = ["is_customer_satisfied", "satisfaction", "revisited_at", "revisit_method"]
    if reached and locked.revisit_met is None:
        locked.revisit_met = _met(locked.revisited_at, locked.revisit_due)
        fields.append("revisit_met")
    note = _text("note", note)
    locked = _finish(
        locked,
        actor=actor,
        transition=transition,
        fields=fields,
        event_type=Type.FOLLOWED_UP,
        message=note,
        data={
            "reached": reached,
            "method": method,
            "is_satisfied": locked.is_customer_satisfied if reached else None,
            "satisfaction": satisfaction,
        },
    )
    if not reached:
        return locked
    if locked.is_customer_satisfied:
        locked.closed_at = clock.now()
        return _system_step(
            locked,
            status=Status.CLOSED,
            fields=["closed_at"],
            type=Type.CLOSED,
            message=_("Closed: the customer is satisfied with the revisit."),
        )
    locked.resolution_started_at = clock.now()
    locked.answered_at = None
    return _system_step(
        locked,
        status=Status.IN_PROGRESS,
        fields=["resolution_started_at", "answered_at"],
        type=Type.REOPENED,
        message=_("Reopened: the customer is not satisfied with the revisit."),
    )


def _system_step(
    locked: Complaint, *, status: Status, fields: list[str], type: str, message: str
) -> Complaint:
    """A step the rules take by themselves (a revisit's outcome): on the timeline, no actor."""
    from_status = locked.status
    locked.status = status.value
    deadline_fields, deadline_changes = _refresh_deadlines(locked)
    locked.version += 1
    locked.save(update_fields=[*fields, *deadline_fields, "status", "version", "updated_at"])
    events.complaint_transitioned_event(
        complaint=locked,
        actor=None,
        type=type,
        from_status=from_status,
        message=message,
        data={"deadlines": deadline_changes} if deadline_changes else None,
    )
    if status == Status.CLOSED and locked.rated_at is None:
        customer_message_queue(kind=MessageKind.SURVEY, complaint=locked)
    return locked


@transaction.atomic
def complaint_close(
    *, complaint: Complaint, actor: User, reason: str = "", expected_version: int | None = None
) -> Complaint:
    """结案. A customer who said they are not satisfied is reopened, not closed; only a
    supervisor may close such a case, and only with a reason on the record."""
    locked, transition = _begin(complaint, actor, Action.CLOSE, {}, expected_version)
    if locked.is_customer_satisfied is False:
        roles = complaint_roles_for(actor, locked)
        if not roles & {Role.SUPERVISOR, Role.EXECUTIVE}:
            raise Conflict(
                _(
                    "The customer is not satisfied: reopen the case, "
                    "or ask a supervisor to close it."
                ),
                code="customer_not_satisfied",
            )
        if not reason.strip():
            raise ValidationFailed(
                _("Closing a case the customer is not satisfied with needs a reason."),
                fields={"reason": _("This field is required.")},
            )
    locked.closed_at = clock.now()
    locked = _finish(
        locked,
        actor=actor,
        transition=transition,
        fields=["closed_at"],
        event_type=Type.CLOSED,
        message=_text("reason", reason),
    )
    if locked.rated_at is None:
        customer_message_queue(kind=MessageKind.SURVEY, complaint=locked)
    return locked


@transaction.atomic
def complaint_reopen(
    *, complaint: Complaint, actor: User, reason: str = "", expected_version: int | None = None
) -> Complaint:
    """Back to handling "until the customer is satisfied" (直至客户满意为止)."""
    locked, transition = _begin(
        complaint, actor, Action.REOPEN, {"reason": reason}, expected_version
    )
    locked.closed_at = None
    locked.is_customer_satisfied = None
    # A new round of handling: the resolution clock starts again now, and the answer that
    # did not satisfy stays on the timeline.
    locked.resolution_started_at = clock.now()
    locked.answered_at = None
    fields = ["closed_at", "is_customer_satisfied", "resolution_started_at", "answered_at"]
    if locked.owner_id is None:
        locked.owner = actor
        fields.append("owner")
    return _finish(
        locked,
        actor=actor,
        transition=transition,
        fields=fields,
        event_type=Type.REOPENED,
        message=_text("reason", reason),
    )


def _hand_up(
    locked: Complaint, *, level: int, actor: User | None, reason: str, to_top: bool = False
) -> Complaint:
    """Raise the case to `level` and give it to the supervisor the chain names for it (or,
    `to_top`, to head office at the top of the chain)."""
    chain = escalation_chain(locked.org_unit or locked.intake_unit)
    if to_top:
        target = chain[-1] if chain and chain[-1] != locked.owner else None
    else:
        target = escalation_target(chain, level=level, current_owner=locked.owner)
    if target is None:
        raise Conflict(
            _("There is nobody further up the org tree to escalate this case to."),
            code="escalation_exhausted",
        )
    previous = locked.owner
    changes = {
        "escalation_level": [locked.escalation_level, level],
        "owner": [previous.username if previous else None, target.username],
    }
    locked.escalation_level, locked.owner = level, target
    locked.version += 1
    locked.save(update_fields=["escalation_level", "owner", "version", "updated_at"])
    events.complaint_escalated_event(complaint=locked, actor=actor, reason=reason, changes=changes)
    notify(
        recipients=[target, previous],
        kind="escalated",
        title=_("%(number)s was escalated to level %(level)s")
        % {"number": locked.number, "level": level},
        body=reason,
        complaint=locked,
    )
    return locked


@transaction.atomic
def complaint_escalate(
    *, complaint: Complaint, actor: User, reason: str = "", expected_version: int | None = None
) -> Complaint:
    """升级: raise the level and hand the case to the next supervisor up the org tree."""
    locked, _transition = _begin(
        complaint, actor, Action.ESCALATE, {"reason": reason}, expected_version
    )
    return _hand_up(
        locked, level=locked.escalation_level + 1, actor=actor, reason=_text("reason", reason)
    )


@transaction.atomic
def complaint_add_note(
    *,
    complaint: Complaint,
    actor: User,
    text: str = "",
    is_public: bool = False,
    expected_version: int | None = None,
) -> Complaint:
    """A note on the timeline, internal unless marked visible to the customer."""
    locked, _transition = _begin(complaint, actor, Action.NOTE, {"text": text}, expected_version)
    events.complaint_note_added_event(
        complaint=locked, actor=actor, text=_text("text", text), is_public=is_public
    )
    if is_public and locked.responded_at is None:
        # Telling the customer something is a first response.
        fields = _record_response(locked, clock.now())
        deadline_fields, _changes = _refresh_deadlines(locked)
        locked.version += 1
        locked.save(update_fields=[*fields, *deadline_fields, "version", "updated_at"])
    return locked


# --- the clock: waiting on the customer, more time ----------------------------------------------


def _clock_step(
    locked: Complaint, *, actor: User | None, type: str, message: str = "", data=None
) -> Complaint:
    deadline_fields, deadline_changes = _refresh_deadlines(locked)
    if deadline_changes:
        data = {**(data or {}), "deadlines": deadline_changes}
    locked.version += 1
    locked.save(
        update_fields=[
            "is_awaiting_customer",
            "pauses",
            "resolution_limit_amount",
            "resolution_limit_unit",
            *deadline_fields,
            "version",
            "updated_at",
        ]
    )
    events.complaint_clock_event(
        complaint=locked, actor=actor, type=type, message=message, data=data
    )
    return locked


@transaction.atomic
def complaint_pause(
    *, complaint: Complaint, actor: User, reason: str = "", expected_version: int | None = None
) -> Complaint:
    """待客户补充: ask the customer for more; every clock stops until they answer."""
    locked, _transition = _begin(
        complaint, actor, Action.PAUSE, {"reason": reason}, expected_version
    )
    locked.is_awaiting_customer = True
    locked.pauses = [*locked.pauses, [clock.now().isoformat(), None]]
    locked = _clock_step(locked, actor=actor, type=Type.PAUSED, message=_text("reason", reason))
    customer_message_queue(
        kind=MessageKind.INFORMATION_REQUEST, complaint=locked, variables={"reason": reason.strip()}
    )
    return locked


@transaction.atomic
def complaint_resume(
    *, complaint: Complaint, actor: User | None, note: str = "", expected_version: int | None = None
) -> Complaint:
    """The customer answered: the clocks run again, later by the time they were stopped.

    `actor` None is the customer themselves (the portal ends a pause when they add to it)."""
    if actor is None:
        locked = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
    else:
        locked, _transition = _begin(complaint, actor, Action.RESUME, {}, expected_version)
    if not locked.is_awaiting_customer:
        raise Conflict(_("The case is not waiting on the customer."), code="not_paused")
    locked.is_awaiting_customer = False
    started, _end = locked.pauses[-1]
    locked.pauses = [*locked.pauses[:-1], [started, clock.now().isoformat()]]
    return _clock_step(locked, actor=actor, type=Type.RESUMED, message=_text("note", note))


def _limit_length(complaint: Complaint, amount: int, unit: str) -> dt.timedelta:
    return to_timedelta(
        amount, unit, calendar_for(complaint.org_unit or complaint.intake_unit).hours
    )


@transaction.atomic
def complaint_request_extension(
    *,
    complaint: Complaint,
    actor: User,
    reason: str = "",
    amount: int | None = None,
    unit: str | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Ask for a longer resolution limit (e.g. 3 → 7 working days), with the reason."""
    payload = {"reason": reason, "amount": amount, "unit": unit}
    locked, _transition = _begin(complaint, actor, Action.EXTEND, payload, expected_version)
    _require_choice("unit", unit, [u.value for u in Unit])
    if amount is None or amount < 1:
        raise ValidationFailed(_("Ask for at least 1."), fields={"amount": _("At least 1.")})
    policy = locked.resolution_policy
    if policy is None:
        raise Conflict(
            _("This case has no resolution limit to extend."), code="no_resolution_limit"
        )
    current = (
        (locked.resolution_limit_amount, locked.resolution_limit_unit)
        if (locked.resolution_limit_amount is not None)
        else policy.limit(Target.RESOLUTION)
    )
    asked = _limit_length(locked, amount, unit)
    if asked <= _limit_length(locked, *current):
        raise ValidationFailed(
            _("An extension must be longer than the current limit."),
            fields={"amount": _("Longer than the current limit.")},
        )
    ceiling = policy.limit("extension")
    if ceiling is None or asked > _limit_length(locked, *ceiling):
        raise ValidationFailed(
            _("The policy allows at most %(amount)s %(unit)s.")
            % {
                "amount": ceiling[0] if ceiling else current[0],
                "unit": ceiling[1] if ceiling else current[1],
            },
            fields={"amount": _("Beyond what the policy allows.")},
        )
    DeadlineExtension.objects.create(
        complaint=locked,
        requested_by=actor,
        requested_at=clock.now(),
        reason=_text("reason", reason),
        amount=amount,
        unit=unit,
    )
    deciders = [u for u in escalation_chain(locked.org_unit or locked.intake_unit) if u != actor]
    notify(
        recipients=deciders[:1],
        kind="extension_requested",
        title=_("%(number)s: more time requested") % {"number": locked.number},
        body=reason,
        complaint=locked,
    )
    return _clock_step(
        locked,
        actor=actor,
        type=Type.EXTENSION_REQUESTED,
        message=reason,
        data={"amount": amount, "unit": unit},
    )


@transaction.atomic
def complaint_decide_extension(
    *,
    complaint: Complaint,
    actor: User,
    approve: bool | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """A supervisor approves or refuses the waiting request; nobody decides their own."""
    locked, _transition = _begin(
        complaint, actor, Action.DECIDE_EXTENSION, {"approve": approve}, expected_version
    )
    request = locked.extensions.filter(status=DeadlineExtension.Status.PENDING).first()
    if request is None:
        raise Conflict(_("No request for more time is waiting."), code="no_extension_pending")
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(_("You asked for this extension, so someone else must decide."))
    request.status = (
        DeadlineExtension.Status.APPROVED if approve else DeadlineExtension.Status.REFUSED
    )
    request.decided_by, request.decided_at = actor, clock.now()
    request.decision_note = _text("note", note)
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        locked.resolution_limit_amount, locked.resolution_limit_unit = request.amount, request.unit
    notify(
        recipients=[request.requested_by],
        kind="extension_decided",
        title=(
            _("%(number)s: more time approved") if approve else _("%(number)s: more time refused")
        )
        % {"number": locked.number},
        body=note,
        complaint=locked,
    )
    return _clock_step(
        locked,
        actor=actor,
        type=Type.EXTENSION_APPROVED if approve else Type.EXTENSION_REFUSED,
        message=request.decision_note,
        data={"amount": request.amount, "unit": request.unit},
    )


# --- the sweep's steps (actor None: the system) ---------------------------------------------------


_ALERT_STAGES = {
    DeadlineAlert.Kind.REMINDER: 1,
    DeadlineAlert.Kind.ESCALATION_1: 2,
    DeadlineAlert.Kind.ESCALATION_2: 3,
}


def _alert_once(complaint: Complaint, *, kind: str) -> bool:
    """Claim the alert for the case's current deadline; False if it was claimed before.

    The unique row makes the act happen once even with two sweeps at once; the stage on the
    case keeps it out of the next sweep's reads.
    """
    try:
        with transaction.atomic():
            DeadlineAlert.objects.create(
                complaint=complaint,
                target=complaint.next_due_target,
                kind=kind,
                due_at=complaint.next_due_at,
            )
    except IntegrityError:
        return False
    complaint.alert_stage = max(complaint.alert_stage, _ALERT_STAGES[kind])
    complaint.save(update_fields=["alert_stage"])
    return True


def _locked_for_sweep(complaint: Complaint) -> Complaint | None:
    locked = Complaint.objects.select_for_update(of=("self",)).filter(pk=complaint.pk).first()
    if locked is None or locked.status in FINAL_STATUSES or locked.next_due_at is None:
        return None
    return locked


def _watchers(locked: Complaint) -> list[User]:
    """Who hears about a case's clock: its owner, or, before anyone owns it, the managers of
    the unit that received it."""
    if locked.owner is not None:
        return [locked.owner]
    return list(
        User.objects.filter(
            role_assignments__org_unit=locked.intake_unit,
            role_assignments__role=Role.COMPLAINT_MANAGER,
            is_active=True,
        ).distinct()
    )


@transaction.atomic
def complaint_remind_deadline(*, complaint: Complaint, now: dt.datetime) -> bool:
    """At risk: remind whoever holds the case, once per deadline."""
    locked = _locked_for_sweep(complaint)
    if locked is None or locked.at_risk_at is None or locked.at_risk_at > now:
        return False
    if not _alert_once(locked, kind=DeadlineAlert.Kind.REMINDER):
        return False
    target = Target(locked.next_due_target).label
    due = timezone.localtime(locked.next_due_at).strftime("%Y-%m-%d %H:%M")
    message = _("The %(target)s deadline of %(number)s is %(due)s.") % {
        "target": target,
        "number": locked.number,
        "due": due,
    }
    events.complaint_clock_event(
        complaint=locked,
        actor=None,
        type=Type.REMINDED,
        message=message,
        data={"target": locked.next_due_target, "due": locked.next_due_at.isoformat()},
    )
    notify(
        recipients=_watchers(locked),
        kind="deadline_at_risk",
        title=_("%(number)s is at risk of missing its deadline") % {"number": locked.number},
        body=message,
        complaint=locked,
    )
    return True


@transaction.atomic
def complaint_escalate_overdue(*, complaint: Complaint, now: dt.datetime, level: int) -> bool:
    """Overdue: level 1 hands the case to the owner's supervisor; level 2, once it is overdue
    by a further KESU_SECOND_ESCALATION_AFTER_HOURS, to head office. Once per deadline."""
    locked = _locked_for_sweep(complaint)
    if locked is None:
        return False
    late_by = (
        dt.timedelta(hours=settings.KESU_SECOND_ESCALATION_AFTER_HOURS)
        if level == 2
        else dt.timedelta()
    )
    if locked.next_due_at + late_by > now:
        return False
    kind = DeadlineAlert.Kind.ESCALATION_1 if level == 1 else DeadlineAlert.Kind.ESCALATION_2
    if not _alert_once(locked, kind=kind):
        return False
    reason = _("Overdue: the %(target)s deadline %(due)s has passed.") % {
        "target": Target(locked.next_due_target).label,
        "due": timezone.localtime(locked.next_due_at).strftime("%Y-%m-%d %H:%M"),
    }
    if locked.escalation_level >= level:
        # Someone escalated it by hand already: the alert is claimed, nothing more to do.
        return True
    try:
        # Level 2 goes straight to head office, whoever stands between.
        _hand_up(locked, level=level, actor=None, reason=reason, to_top=level == 2)
    except Conflict:
        # Nobody above: the alert stays claimed so the sweep does not try again each minute.
        return False
    return True


@transaction.atomic
def complaint_refresh_deadlines(*, complaint: Complaint, reason: str) -> Complaint:
    """Recompute after a policy, calendar or business-hours change; on the timeline if any
    deadline moved."""
    locked = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("org_unit", "intake_unit", "category")
        .get(pk=complaint.pk)
    )
    changed, shown = _refresh_deadlines(locked)
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    if shown:
        events.complaint_deadlines_set_event(
            complaint=locked, actor=None, deadlines=shown, message=reason
        )
    return locked


# --- evidence ---------------------------------------------------------------------------------


@transaction.atomic
def complaint_attach(
    *, complaint: Complaint, actor: User | None, upload, is_public: bool = False
) -> ComplaintAttachment:
    """Keep a file on the case, checked by its content and size; on the timeline.

    `actor` None is the customer (the portal). Staff attach where they may add a note.
    """
    if actor is not None:
        locked, _transition = _begin(complaint, actor, Action.NOTE, {"text": "-"}, None)
    else:
        locked = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
    limit = settings.KESU_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationFailed(
            _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
            fields={"file": _("Too large.")},
        )
    head = upload.read(8192)
    upload.seek(0)
    content_type = sniff_type(head)
    if content_type is None:
        raise ValidationFailed(
            _("Only photos, PDF documents, recordings and videos can be attached."),
            fields={"file": _("This kind of file is not accepted.")},
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = Path(upload.name or "file").name[:200]
    attachment = ComplaintAttachment.objects.create(
        complaint=locked,
        file=upload,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
        uploaded_at=clock.now(),
        is_public=is_public,
    )
    events.complaint_clock_event(
        complaint=locked,
        actor=actor,
        type=Type.ATTACHED,
        message=name,
        data={"attachment": attachment.pk, "type": content_type, "size": upload.size},
        is_public=is_public,
    )
    return attachment


@transaction.atomic
def complaint_answer_at_once(*, complaint: Complaint, actor: User, answer: str = "") -> Complaint:
    """首问负责制: the agent who took an inquiry answers and closes it in one step; each part
    is on the timeline as usual."""
    if complaint.kind != Kind.INQUIRY:
        raise Conflict(
            _("Only an inquiry is answered and closed in one step."), code="not_an_inquiry"
        )
    if complaint.status == Status.RECEIVED:
        complaint = complaint_accept(complaint=complaint, actor=actor)
    complaint = complaint_answer(complaint=complaint, actor=actor, answer=answer)
    return complaint_close(complaint=complaint, actor=actor)


# --- the customer's own steps (portal, email replies) --------------------------------------


def _lock_for_customer(complaint: Complaint, step: CustomerStep) -> Complaint:
    locked = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("org_unit", "intake_unit", "owner")
        .get(pk=complaint.pk)
    )
    check_customer_step(
        step,
        status=locked.status,
        has_responded=bool(locked.customer_response),
        has_rated=locked.rated_at is not None,
    )
    return locked


def _customer_event(
    locked: Complaint, *, type: str, message: str = "", data=None, from_status: str = ""
) -> None:
    locked.version += 1
    locked.save()
    events.complaint_customer_event(
        complaint=locked, type=type, message=message, data=data or {}, from_status=from_status
    )


@transaction.atomic
def complaint_customer_add(
    *,
    complaint: Complaint,
    text: str = "",
    uploads: list | None = None,
    channel: str = "portal",
    sender: str = "",
) -> Complaint:
    """The customer adds information or files; a case waiting on them starts its clocks again.

    `sender` is the address an email came from when it is not the one on the case: kept on
    the timeline so that staff can judge it.
    """
    text = _text("text", text)
    uploads = uploads or []
    if not text and not uploads:
        raise ValidationFailed(
            _("Write something or attach a file."), fields={"text": _("This field is required.")}
        )
    locked = _lock_for_customer(complaint, CustomerStep.ADD)
    files = [
        complaint_attach(complaint=locked, actor=None, upload=upload, is_public=True).original_name
        for upload in uploads
    ]
    locked.refresh_from_db()
    data: dict[str, Any] = {"channel": channel, "files": files}
    if sender:
        data["sender"] = sender
    _customer_event(locked, type=Type.CUSTOMER_ADDED, message=text, data=data)
    if locked.is_awaiting_customer:
        complaint_resume(complaint=locked, actor=None, note=_("The customer added information."))
    notify(
        recipients=[locked.owner],
        kind="customer_added",
        title=_("The customer added to %(number)s") % {"number": locked.number},
        body=text,
        complaint=locked,
    )
    locked.refresh_from_db()
    return locked


@transaction.atomic
def complaint_customer_confirm(
    *, complaint: Complaint, comment: str = "", recorded_by: User | None = None
) -> Complaint:
    """The customer accepts the answer (确认); the revisit and closing follow as usual.
    `recorded_by`: the member of staff who took it down (by phone), if not the portal."""
    locked = _lock_for_customer(complaint, CustomerStep.CONFIRM)
    locked.customer_response = "confirmed"
    locked.customer_responded_at = clock.now()
    _customer_event(
        locked,
        type=Type.CUSTOMER_CONFIRMED,
        message=_text("comment", comment),
        data={"recorded_by": recorded_by.username} if recorded_by else None,
    )
    return locked


@transaction.atomic
def complaint_customer_dispute(
    *,
    complaint: Complaint,
    reason: str = "",
    review: bool = False,
    recorded_by: User | None = None,
) -> Complaint:
    """The customer disputes the answer: back to its handler, one escalation level up, and
    the supervisor is told. With `review`, the customer asks for 核实 by the level above, by
    someone not involved in the case."""
    reason = _require_length("reason", reason, maximum=settings.KESU_MAX_TEXT_LENGTH, required=True)
    locked = _lock_for_customer(complaint, CustomerStep.DISPUTE)
    from_status = locked.status
    locked.customer_response = "disputed"
    locked.customer_responded_at = clock.now()
    locked.status = DISPUTE_TARGET.value
    locked.is_customer_satisfied = False
    locked.answered_at = None
    locked.resolution_started_at = clock.now()
    locked.escalation_level += 1
    _refresh_deadlines(locked)
    _customer_event(
        locked,
        type=Type.CUSTOMER_DISPUTED,
        message=reason,
        data={
            "escalation_level": locked.escalation_level,
            **({"recorded_by": recorded_by.username} if recorded_by else {}),
        },
        from_status=from_status,
    )
    chain = escalation_chain(locked.org_unit or locked.intake_unit)
    if review:
        request = records.review_route(locked, reason)
        events.complaint_step_event(
            complaint=locked,
            actor=None,
            type=Type.REVIEW_REQUESTED,
            message=request.routing,
            data={"reviewer": request.reviewer.username if request.reviewer else None},
            is_public=True,
        )
        notify(
            recipients=[request.reviewer] if request.reviewer else chain[-1:],
            kind="review_requested",
            title=_("Review %(number)s: the customer disputes the answer")
            % {"number": locked.number},
            body=reason,
            complaint=locked,
        )
    notify(
        recipients=[locked.owner, *chain[:1]],
        kind="customer_disputed",
        title=_("The customer disputes the answer to %(number)s") % {"number": locked.number},
        body=reason,
        complaint=locked,
    )
    return locked


@transaction.atomic
def complaint_customer_rate(*, complaint: Complaint, rating: int, comment: str = "") -> Complaint:
    """The customer rates the handling 1–5, once, with an optional comment."""
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationFailed(_("The rating is 1 to 5."), fields={"rating": _("Choose 1 to 5.")})
    comment = _text("comment", comment)
    locked = _lock_for_customer(complaint, CustomerStep.RATE)
    locked.customer_rating = rating
    locked.customer_rating_comment = comment
    locked.rated_at = clock.now()
    _customer_event(locked, type=Type.CUSTOMER_RATED, message=comment, data={"rating": rating})
    return locked


def _retry_delay(attempts: int) -> dt.timedelta:
    # 2, 4, 8, 16, 32 minutes …, at most 6 hours.
    return dt.timedelta(minutes=min(2**attempts, 360))


@transaction.atomic
def complaint_record_message(
    *, message: OutboundMessage, reference: str = "", error: str = ""
) -> OutboundMessage:
    """What became of a message to the customer: sent, to be retried, or given up; each
    outcome on the case's timeline."""
    if message.complaint_id is not None:
        locked = Complaint.objects.select_for_update(of=("self",)).get(pk=message.complaint_id)
    else:
        locked = None
    now = clock.now()
    data = {
        "message": message.pk,
        "kind": message.kind,
        "channel": message.channel,
        "attempt": message.attempts,
    }
    if error:
        message.last_error = error[:300]
        if message.attempts >= settings.KESU_MESSAGE_MAX_ATTEMPTS:
            message.state = OutboundMessage.State.FAILED
        else:
            message.state = OutboundMessage.State.PENDING
            message.next_attempt_at = now + _retry_delay(message.attempts)
            data["next_attempt_at"] = timezone.localtime(message.next_attempt_at).isoformat()
        data["error"] = message.last_error
        data["given_up"] = message.state == OutboundMessage.State.FAILED
        event_type = Type.MESSAGE_FAILED
    else:
        message.state = OutboundMessage.State.SENT
        message.sent_at = now
        message.gateway_reference = reference[:100]
        event_type = Type.MESSAGE_SENT
    message.save(
        update_fields=["state", "last_error", "next_attempt_at", "sent_at", "gateway_reference"]
    )
    if locked is not None:
        events.complaint_message_event(
            complaint=locked, type=event_type, message=str(message), data=data
        )
    return message


ACTION_SERVICES = {
    Action.ACCEPT: complaint_accept,
    Action.REJECT: complaint_reject,
    Action.ASSIGN: complaint_assign,
    Action.START: complaint_start,
    Action.PROPOSE: complaint_propose,
    Action.APPROVE: complaint_approve,
    Action.RETURN: complaint_return,
    Action.ANSWER: complaint_answer,
    Action.FOLLOW_UP: complaint_follow_up,
    Action.CLOSE: complaint_close,
    Action.REOPEN: complaint_reopen,
    Action.ESCALATE: complaint_escalate,
    Action.NOTE: complaint_add_note,
    Action.PAUSE: complaint_pause,
    Action.RESUME: complaint_resume,
    Action.EXTEND: complaint_request_extension,
    Action.DECIDE_EXTENSION: complaint_decide_extension,
}


def complaint_perform(
    *,
    complaint: Complaint,
    actor: User,
    action: Action | str,
    payload: dict[str, Any],
    expected_version: int | None = None,
) -> Complaint:
    """Take `action` with its payload: the one entry the admin and the CLI share."""
    try:
        service = ACTION_SERVICES[Action(action)]
    except ValueError as error:
        raise ValidationFailed(
            _("Unknown action “%(action)s”.") % {"action": action},
            fields={"action": _("Unknown action.")},
        ) from error
    accepted = set(inspect.signature(service).parameters) - {
        "complaint",
        "actor",
        "expected_version",
    }
    unknown = set(payload) - accepted
    if unknown:
        raise ValidationFailed(
            _("Unexpected fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            fields={name: _("Not a field of this action.") for name in unknown},
        )
    return service(complaint=complaint, actor=actor, expected_version=expected_version, **payload)


# --- taxonomy --------------------------------------------------------------------------------


@transaction.atomic
def category_preset_load(*, name: str) -> int:
    """Load (or refresh) a category preset; returns how many categories it holds.

    Idempotent: codes are the key, so loading twice changes nothing and a renamed category
    keeps its cases.
    """
    if name not in PRESETS:
        raise ValidationFailed(
            _("Unknown preset “%(name)s”; choose one of: %(names)s.")
            % {"name": name, "names": ", ".join(PRESETS)},
            fields={"preset": _("Unknown preset.")},
        )
    _title, tree = PRESETS[name]
    count = 0
    for order, (code, zh, en, children) in enumerate(tree):
        parent, _created = Category.objects.update_or_create(
            code=code,
            defaults={
                "name": zh,
                "name_en": en,
                "parent": None,
                "preset": name,
                "sort_order": order * 100,
                "is_active": True,
            },
        )
        count += 1
        for child_order, (child_code, child_zh, child_en) in enumerate(children):
            Category.objects.update_or_create(
                code=child_code,
                defaults={
                    "name": child_zh,
                    "name_en": child_en,
                    "parent": parent,
                    "preset": name,
                    "sort_order": order * 100 + child_order + 1,
                    "is_active": True,
                },
            )
            count += 1
    return count


def preset_load(*, name: str) -> dict[str, int]:
    """A preset as a firm uses it: its categories, and its time limits where it has them."""
    with transaction.atomic():
        categories = category_preset_load(name=name)
        policies = time_limit_preset_load(name=name)
    return {"categories": categories, "policies": policies}


# --- history from an earlier system ----------------------------------------------------------


@dataclass
class HistoricalCase:
    """One finished case from an earlier system, already read and checked row by row
    (kesu.intake.history)."""

    row: int
    reference: str
    kind: str
    channel: str
    received_at: dt.datetime
    contact_name: str
    description: str
    intake_unit: OrgUnit
    org_unit: OrgUnit | None = None
    category: Category | None = None
    severity: str = Severity.GENERAL
    contact_phone: str = ""
    contact_email: str = ""
    demands: str = ""
    answer: str = ""
    status: str = Status.CLOSED
    responded_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    revisited_at: dt.datetime | None = None
    satisfaction: int | None = None
    resolution_due: dt.datetime | None = None


def complaints_import_history(
    *, actor: User, cases: list[HistoricalCase], origin: str
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Load finished cases as they were: numbered by the day each was received, deadlines
    from today's policies (or the deadline the file gives), met or missed from the times
    recorded, one `imported` event each naming the file and row. No message goes to any
    customer and no clock runs: they are history.

    One transaction for the batch; a reference already loaded (by an earlier run, or by a
    concurrent one) is reported, never loaded twice. Returns (created, already there) as
    (row, number) pairs.
    """
    references = [case.reference for case in cases]
    existing = dict(
        Complaint.objects.filter(imported_reference__in=references).values_list(
            "imported_reference", "number"
        )
    )
    fresh = [case for case in cases if case.reference not in existing]
    already = [(case.row, existing[case.reference]) for case in cases if case.reference in existing]
    try:
        with transaction.atomic():
            made = _history_insert(actor, fresh, origin)
    except IntegrityError:
        if len(fresh) <= 1:
            # Loaded a moment ago by another run; any other conflict is not ours to hide.
            number = (
                Complaint.objects.filter(imported_reference=fresh[0].reference)
                .values_list("number", flat=True)
                .first()
                if fresh
                else None
            )
            if number is None:
                raise
            return [], [*already, (fresh[0].row, number)]
        created, seen = [], list(already)
        for case in fresh:  # one by one, to find the row another run loaded first
            one_created, one_seen = complaints_import_history(
                actor=actor, cases=[case], origin=origin
            )
            created += one_created
            seen += one_seen
        return created, seen
    return made, already


def _history_insert(actor, cases, origin) -> list[tuple[int, str]]:
    by_day: dict[tuple[str, dt.date], list[HistoricalCase]] = {}
    for case in cases:
        by_day.setdefault((case.kind, clock.local_date(case.received_at)), []).append(case)
    numbers: dict[int, str] = {}
    for (kind, day), group in by_day.items():
        for case, number in zip(
            group, allocate_numbers(kind=kind, day=day, count=len(group)), strict=True
        ):
            numbers[case.row] = number
    with lookups_shared():
        rows = [_history_case(actor, case, numbers[case.row]) for case in cases]
    Complaint.objects.bulk_create(rows)
    events.complaints_imported_events(
        actor=actor,
        imported=[
            (complaint, {"origin": origin, "row": case.row, "reference": case.reference})
            for case, complaint in zip(cases, rows, strict=True)
        ],
    )
    return [(case.row, complaint.number) for case, complaint in zip(cases, rows, strict=True)]


def _history_case(actor: User, case: HistoricalCase, number: str) -> Complaint:
    complaint = Complaint(
        number=number,
        kind=case.kind,
        channel=case.channel,
        status=case.status,
        received_at=case.received_at,
        customer=customer_match_or_create(
            name=case.contact_name, phone=case.contact_phone, email=case.contact_email
        ),
        contact_name=case.contact_name,
        contact_phone=case.contact_phone,
        contact_email=case.contact_email,
        description=case.description,
        demands=case.demands,
        answer=case.answer,
        category=case.category,
        severity=case.severity,
        intake_unit=case.intake_unit,
        org_unit=case.org_unit,
        created_by=actor,
        accepted_at=case.responded_at if case.status != Status.NOT_ACCEPTED else None,
        responded_at=case.responded_at,
        answered_at=case.answered_at,
        closed_at=case.closed_at,
        revisited_at=case.revisited_at,
        satisfaction=case.satisfaction,
        is_customer_satisfied=(
            None if case.satisfaction is None else rules.is_satisfied(case.satisfaction)
        ),
        imported_reference=case.reference,
    )
    for field, value in compute_deadlines(complaint, is_finished=True).as_fields().items():
        setattr(complaint, field, value)
    if case.resolution_due is not None:
        complaint.resolution_due = case.resolution_due
    if case.status == Status.NOT_ACCEPTED:
        complaint.resolution_due = complaint.revisit_due = None
    complaint.response_met = _met(case.responded_at, complaint.response_due)
    complaint.resolution_met = _met(case.answered_at or case.closed_at, complaint.resolution_due)
    complaint.revisit_met = _met(case.revisited_at, complaint.revisit_due)
    return complaint
