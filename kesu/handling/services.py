"""Handling records: each locks the case, asks rules.check_step, writes its rows and one
timeline event, all in one transaction. Status changes stay in complaints.services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import OrgUnit, User
from kesu.accounts.selectors import user_role_assignments
from kesu.complaints import events
from kesu.complaints.access import complaint_roles_for
from kesu.complaints.models import Complaint, ComplaintAttachment, ComplaintEvent
from kesu.complaints.services import (
    complaint_customer_confirm,
    complaint_customer_dispute,
    complaint_lock,
    complaint_touch,
)
from kesu.core import clock
from kesu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kesu.core.masking import mask_id_number
from kesu.core.validation import require_choice, require_text
from kesu.handling import records, rules
from kesu.handling.models import (
    Accountability,
    Approval,
    Cause,
    CollaborationTask,
    Compensation,
    Investigation,
    PenaltyLevel,
    Review,
)
from kesu.handling.rules import Step
from kesu.notifications.services import notify

Type = ComplaintEvent.Type
MAX = settings.KESU_MAX_TEXT_LENGTH


def _text(field: str, value: str, *, required: bool = True, maximum: int = MAX) -> str:
    return require_text(field, value, maximum=maximum, required=required)


def _choice(field: str, value: str, choices) -> str:
    return require_choice(field, value, choices)


def _amount(field: str, value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise ValidationFailed(
            _("%(field)s is not a number.") % {"field": field}, fields={field: _("A number.")}
        ) from error
    if amount < 0 or amount >= Decimal("1e10"):
        raise ValidationFailed(_("An amount cannot be negative."), fields={field: _("At least 0.")})
    return amount.quantize(Decimal("0.01"))


def _moment(field: str, value: dt.datetime | None, *, future: bool = False) -> dt.datetime:
    if value is None:
        return clock.now()
    if timezone.is_naive(value):
        raise ValidationFailed(
            _("%(field)s needs a time zone.") % {"field": field},
            fields={field: _("Give a time with its offset, e.g. +08:00.")},
        )
    if not future and value > clock.now():
        raise ValidationFailed(
            _("%(field)s cannot be in the future.") % {"field": field},
            fields={field: _("Cannot be in the future.")},
        )
    return value


def _begin(complaint: Complaint, actor: User, step: Step, version: int | None) -> Complaint:
    locked = complaint_lock(complaint, actor, version)
    rules.check_step(
        step,
        status=locked.status,
        roles=complaint_roles_for(actor, locked),
        is_owner=locked.owner_id == actor.pk,
    )
    return locked


def _record(locked, *, actor, type, message="", data=None, fields=()) -> None:
    complaint_touch(locked, *fields)
    events.complaint_step_event(
        complaint=locked, actor=actor, type=type, message=message, data=data or {}
    )


def _user(field: str, username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationFailed(
            _("Unknown user “%(name)s”.") % {"name": username}, fields={field: _("Unknown user.")}
        )
    return user


# --- investigation and causes --------------------------------------------------------------


@transaction.atomic
def investigation_record(
    *,
    complaint: Complaint,
    actor: User,
    method: str,
    findings: str,
    investigator: str | None = None,
    investigated_at: dt.datetime | None = None,
    evidence: list[int] | None = None,
    expected_version: int | None = None,
) -> Investigation:
    """调查: how, by whom, when, what was found, and the case's files that show it."""
    locked = _begin(complaint, actor, Step.INVESTIGATE, expected_version)
    method = _choice("method", method, Investigation.Method.values)
    findings = _text("findings", findings)
    who = _user("investigator", investigator) if investigator else actor
    when = _moment("investigated_at", investigated_at)
    files = list(ComplaintAttachment.objects.filter(complaint=locked, pk__in=evidence or []))
    if len(files) != len(set(evidence or [])):
        raise ValidationFailed(
            _("Evidence must be files of this case."),
            fields={"evidence": _("Not a file of this case.")},
        )
    row = Investigation.objects.create(
        complaint=locked,
        method=method,
        investigator=who,
        investigated_at=when,
        findings=findings,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    row.evidence.set(files)
    _record(
        locked,
        actor=actor,
        type=Type.INVESTIGATED,
        message=findings,
        data={
            "investigation": row.pk,
            "method": method,
            "investigator": who.username,
            "evidence": [f.pk for f in files],
        },
    )
    return row


@transaction.atomic
def cause_record(
    *,
    complaint: Complaint,
    actor: User,
    level: str,
    category: str,
    description: str,
    expected_version: int | None = None,
) -> Cause:
    """原因分析: a direct, indirect or root cause, in a category reports can count."""
    locked = _begin(complaint, actor, Step.CAUSE, expected_version)
    row = Cause.objects.create(
        complaint=locked,
        level=_choice("level", level, Cause.Level.values),
        category=_choice("category", category, Cause.Category.values),
        description=_text("description", description),
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    _record(
        locked,
        actor=actor,
        type=Type.CAUSE_RECORDED,
        message=row.description,
        data={"cause": row.pk, "level": row.level, "category": row.category},
    )
    return row


# --- collaboration tasks ------------------------------------------------------------------


@transaction.atomic
def task_request(
    *,
    complaint: Complaint,
    actor: User,
    org_unit: str,
    assignee: str,
    request: str,
    due_at: dt.datetime,
    expected_version: int | None = None,
) -> CollaborationTask:
    """跨部门协作: ask another department for a piece of work, with its owner and date."""
    locked = _begin(complaint, actor, Step.REQUEST_TASK, expected_version)
    unit = OrgUnit.objects.filter(code=org_unit, is_active=True).first()
    if unit is None:
        raise ValidationFailed(
            _("Unknown org unit “%(code)s”.") % {"code": org_unit},
            fields={"org_unit": _("Unknown org unit.")},
        )
    person = _user("assignee", assignee)
    if not any(a.org_unit_id == unit.pk for a in user_role_assignments(person)):
        raise ValidationFailed(
            _("%(person)s does not work in %(unit)s.") % {"person": person, "unit": unit.name},
            fields={"assignee": _("Not a member of that department.")},
        )
    due = _moment("due_at", due_at, future=True)
    if due <= clock.now():
        raise ValidationFailed(
            _("The task's due date must be in the future."), fields={"due_at": _("In the future.")}
        )
    task = CollaborationTask.objects.create(
        complaint=locked,
        org_unit=unit,
        assignee=person,
        request=_text("request", request),
        due_at=due,
        created_by=actor,
        created_at=clock.now(),
    )
    _record(
        locked,
        actor=actor,
        type=Type.TASK_REQUESTED,
        message=task.request,
        data={
            "task": task.pk,
            "org_unit": unit.code,
            "assignee": person.username,
            "due_at": timezone.localtime(due).isoformat(),
        },
    )
    notify(
        recipients=[person],
        kind="task_requested",
        title=_("%(number)s: your department is asked for help") % {"number": locked.number},
        body=task.request,
        complaint=locked,
    )
    return task


@transaction.atomic
def task_complete(*, task: CollaborationTask, actor: User, result: str) -> CollaborationTask:
    """The task's owner reports the work done; the case's owner is told."""
    row = CollaborationTask.objects.select_for_update().get(pk=task.pk)
    if row.assignee_id != actor.pk:
        raise PermissionDenied(_("Only the task's owner reports it done."))
    if row.state != CollaborationTask.State.OPEN:
        raise Conflict(_("This task is no longer open."), code="task_closed")
    locked = Complaint.objects.select_for_update(of=("self",)).get(pk=row.complaint_id)
    row.result, row.state, row.done_at = _text("result", result), "done", clock.now()
    row.save(update_fields=["result", "state", "done_at"])
    _record(locked, actor=actor, type=Type.TASK_DONE, message=row.result, data={"task": row.pk})
    notify(
        recipients=[locked.owner],
        kind="task_done",
        title=_("%(number)s: %(unit)s finished its task")
        % {"number": locked.number, "unit": row.org_unit.name},
        body=row.result,
        complaint=locked,
    )
    return row


@transaction.atomic
def tasks_override(
    *, complaint: Complaint, actor: User, reason: str, expected_version: int | None = None
) -> int:
    """A supervisor lets the case be answered although tasks are open; the reason is kept."""
    locked = _begin(complaint, actor, Step.OVERRIDE_TASKS, expected_version)
    reason = _text("reason", reason)
    open_tasks = records.open_tasks(locked)
    if not open_tasks:
        raise Conflict(_("No collaboration task is open."), code="no_open_tasks")
    CollaborationTask.objects.filter(pk__in=[t.pk for t in open_tasks]).update(
        state=CollaborationTask.State.OVERRIDDEN, result=reason, done_at=clock.now()
    )
    _record(
        locked,
        actor=actor,
        type=Type.TASKS_OVERRIDDEN,
        message=reason,
        data={"tasks": [t.pk for t in open_tasks]},
    )
    return len(open_tasks)


# --- review (核实) -------------------------------------------------------------------------


@transaction.atomic
def review_decide(*, review: Review, actor: User, outcome: str, finding: str) -> Review:
    """The reviewer's finding: the answer stands, or is to be revised; the owner is told."""
    row = Review.objects.select_for_update().get(pk=review.pk)
    if row.decided_at is not None:
        raise Conflict(_("This review is already decided."), code="review_decided")
    locked = Complaint.objects.select_for_update(of=("self",)).get(pk=row.complaint_id)
    allowed = row.reviewer_id == actor.pk or (
        row.reviewer_id is None and complaint_roles_for(actor, locked) & {"supervisor", "executive"}
    )
    if not allowed:
        raise PermissionDenied(_("This review is for %(person)s.") % {"person": row.reviewer})
    reason = rules.conflict_reason(
        user_id=actor.pk,
        names=[n for n in (actor.display_name, actor.username) if n],
        handled_by=records.handled_by(locked),
        staff_involved=locked.staff_involved,
    )
    if reason:
        raise PermissionDenied(
            _("You must stand aside from this review: you %(reason)s.") % {"reason": reason}
        )
    row.outcome = _choice("outcome", outcome, Review.Outcome.values)
    row.finding = _text("finding", finding)
    row.decided_at = clock.now()
    row.save(update_fields=["outcome", "finding", "decided_at"])
    complaint_touch(locked)
    events.complaint_step_event(
        complaint=locked,
        actor=actor,
        type=Type.REVIEWED,
        message=row.finding,
        data={"review": row.pk, "outcome": row.outcome},
        is_public=True,
    )
    notify(
        recipients=[locked.owner],
        kind="reviewed",
        title=_("%(number)s was reviewed: %(outcome)s")
        % {"number": locked.number, "outcome": row.get_outcome_display()},
        body=row.finding,
        complaint=locked,
    )
    return row


# --- compensation ---------------------------------------------------------------------------


def _approved_money(locked: Complaint) -> Decimal:
    approval = locked.approvals.filter(state=Approval.State.APPROVED).order_by("-pk").first()
    return approval.amount if approval else Decimal(0)


@transaction.atomic
def compensation_record(
    *,
    complaint: Complaint,
    actor: User,
    kind: str,
    amount,
    expected_version: int | None = None,
) -> Compensation:
    """补偿: what the approved solution gives, never more than was approved."""
    locked = _begin(complaint, actor, Step.COMPENSATE, expected_version)
    kind = _choice("kind", kind, Compensation.Kind.values)
    amount = _amount("amount", amount)
    approved = _approved_money(locked)
    already = sum(
        (c.amount for c in locked.compensations.exclude(payment_status="cancelled")), Decimal(0)
    )
    if amount + already > approved:
        raise ValidationFailed(
            _("The approved solution gives %(approved)s; %(amount)s more would exceed it.")
            % {"approved": approved - already, "amount": amount},
            fields={"amount": _("At most %(left)s.") % {"left": approved - already}},
        )
    row = Compensation.objects.create(
        complaint=locked, kind=kind, amount=amount, created_by=actor, created_at=clock.now()
    )
    _record(
        locked,
        actor=actor,
        type=Type.COMPENSATION_RECORDED,
        message=f"{row.get_kind_display()} {amount}",
        data={"compensation": row.pk, "kind": kind, "amount": str(amount)},
    )
    return row


def _compensation(
    compensation: Compensation, actor: User, step: Step
) -> tuple[Compensation, Complaint]:
    row = Compensation.objects.select_for_update().filter(pk=compensation.pk).first()
    if row is None:
        raise NotFound("no such compensation", code="compensation_not_found")
    locked = _begin(row.complaint, actor, step, None)
    if row.payment_status != Compensation.Payment.PENDING:
        raise Conflict(_("This compensation is already settled."), code="compensation_settled")
    return row, locked


@transaction.atomic
def compensation_verify_identity(
    *, compensation: Compensation, actor: User, document_type: str, number: str
) -> Compensation:
    """Identity checked before paying: the document, its number (kept masked for everyone
    but those allowed to see it), who checked and when."""
    row, locked = _compensation(compensation, actor, Step.VERIFY_IDENTITY)
    row.id_document_type = _choice("document_type", document_type, Compensation.Document.values)
    number = _text("number", number, maximum=40).upper().replace(" ", "")
    if row.id_document_type == "resident_id" and not _is_resident_id(number):
        raise ValidationFailed(
            _("This is not a valid resident identity card number."),
            fields={"number": _("18 characters with a valid check digit.")},
        )
    row.id_number, row.id_number_masked = number, mask_id_number(number)
    row.verified_by, row.verified_at = actor, clock.now()
    row.save(
        update_fields=[
            "id_document_type",
            "id_number",
            "id_number_masked",
            "verified_by",
            "verified_at",
        ]
    )
    _record(
        locked,
        actor=actor,
        type=Type.IDENTITY_VERIFIED,
        message=f"{row.get_id_document_type_display()} {row.id_number_masked}",
        data={"compensation": row.pk, "document_type": row.id_document_type},
    )
    return row


def _is_resident_id(number: str) -> bool:
    """GB 11643: 17 digits and an ISO 7064 MOD 11-2 check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == number[17]


@transaction.atomic
def compensation_confirm(
    *,
    compensation: Compensation,
    actor: User,
    method: str,
    signature: int | None = None,
) -> Compensation:
    """The customer agrees to the compensation: a signed receipt (an image on the case) or a
    recorded phone call (the agent who took it is named). The portal has its own way in."""
    row, locked = _compensation(compensation, actor, Step.CONFIRM_COMPENSATION)
    method = _choice("method", method, ["signature", "phone"])
    if method == "signature":
        image = ComplaintAttachment.objects.filter(
            complaint=locked, pk=signature or 0, content_type__startswith="image/"
        ).first()
        if image is None:
            raise ValidationFailed(
                _("A signed receipt must be an image attached to this case."),
                fields={"signature": _("An image of this case.")},
            )
        row.confirmation_file = image
    row.confirmation_method, row.confirmed_by_agent, row.confirmed_at = method, actor, clock.now()
    row.save(
        update_fields=[
            "confirmation_method",
            "confirmation_file",
            "confirmed_by_agent",
            "confirmed_at",
        ]
    )
    _record(
        locked,
        actor=actor,
        type=Type.COMPENSATION_CONFIRMED,
        message=row.get_confirmation_method_display(),
        data={"compensation": row.pk, "method": method},
    )
    return row


@transaction.atomic
def compensation_confirm_by_customer(*, compensation: Compensation) -> Compensation:
    """The customer confirms in the portal (they have opened their case there)."""
    row = Compensation.objects.select_for_update().get(pk=compensation.pk)
    if row.payment_status != Compensation.Payment.PENDING or row.confirmed_at:
        raise Conflict(_("This compensation is already confirmed."), code="compensation_settled")
    locked = Complaint.objects.select_for_update(of=("self",)).get(pk=row.complaint_id)
    row.confirmation_method, row.confirmed_at = "portal", clock.now()
    row.save(update_fields=["confirmation_method", "confirmed_at"])
    complaint_touch(locked)
    events.complaint_step_event(
        complaint=locked,
        actor=None,
        type=Type.COMPENSATION_CONFIRMED,
        message=row.get_confirmation_method_display(),
        data={"compensation": row.pk, "method": "portal"},
        is_public=True,
    )
    return row


@transaction.atomic
def compensation_pay(
    *, compensation: Compensation, actor: User, reference: str = ""
) -> Compensation:
    """Paid: only after the identity was verified and the customer confirmed."""
    row, locked = _compensation(compensation, actor, Step.PAY)
    if row.verified_at is None:
        raise Conflict(
            _("Verify the customer's identity before paying."), code="identity_not_verified"
        )
    if row.confirmed_at is None:
        raise Conflict(
            _("The customer has not confirmed the compensation yet."), code="not_confirmed"
        )
    row.payment_status, row.paid_by, row.paid_at = "paid", actor, clock.now()
    row.payment_reference = _text("reference", reference, required=False, maximum=100)
    row.save(update_fields=["payment_status", "paid_by", "paid_at", "payment_reference"])
    _record(
        locked,
        actor=actor,
        type=Type.COMPENSATION_PAID,
        message=f"{row.get_kind_display()} {row.amount}",
        data={
            "compensation": row.pk,
            "amount": str(row.amount),
            "reference": row.payment_reference,
        },
    )
    return row


def can_see_identity_number(user: User) -> bool:
    return user.has_perm("handling.view_identity_number")


# --- accountability -------------------------------------------------------------------------


@transaction.atomic
def accountability_record(
    *,
    complaint: Complaint,
    actor: User,
    is_justified: bool,
    responsible_party: str,
    staff: list[str] | None = None,
    penalty: str | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Accountability:
    """责任认定: justified or not, who is responsible, the penalty; approved separately."""
    locked = _begin(complaint, actor, Step.ACCOUNTABILITY, expected_version)
    party = _choice("responsible_party", responsible_party, Accountability.Party.values)
    people = [_user("staff", name) for name in staff or []]
    if party == "staff" and not people:
        raise ValidationFailed(
            _("Name the staff members responsible."), fields={"staff": _("At least one.")}
        )
    level = None
    if penalty:
        level = PenaltyLevel.objects.filter(name=penalty, is_active=True).first()
        if level is None:
            raise ValidationFailed(
                _("Unknown penalty “%(name)s”.") % {"name": penalty},
                fields={"penalty": _("Not in the penalty table.")},
            )
        if not people:
            raise ValidationFailed(
                _("A penalty needs the staff it applies to."), fields={"staff": _("At least one.")}
            )
    if not isinstance(is_justified, bool):
        raise ValidationFailed(
            _("Say whether the complaint is justified."), fields={"is_justified": _("Yes or no.")}
        )
    row, _created = Accountability.objects.update_or_create(
        complaint=locked,
        defaults={
            "is_justified": is_justified,
            "responsible_party": party,
            "penalty": level,
            "note": _text("note", note, required=False),
            "recorded_by": actor,
            "recorded_at": clock.now(),
            "approved_by": None,
            "approved_at": None,
        },
    )
    row.staff.set(people)
    _record(
        locked,
        actor=actor,
        type=Type.ACCOUNTABILITY_RECORDED,
        data={
            "is_justified": is_justified,
            "responsible_party": party,
            "staff": [p.username for p in people],
            "penalty": level.name if level else None,
        },
    )
    return row


@transaction.atomic
def accountability_approve(
    *, complaint: Complaint, actor: User, expected_version: int | None = None
) -> Accountability:
    """A leader who neither recorded the finding nor is named in it approves it."""
    locked = _begin(complaint, actor, Step.APPROVE_ACCOUNTABILITY, expected_version)
    row = Accountability.objects.select_for_update().filter(complaint=locked).first()
    if row is None:
        raise Conflict(_("No responsibility finding is recorded yet."), code="no_finding")
    if row.approved_at is not None:
        raise Conflict(_("The finding is already approved."), code="finding_approved")
    if row.recorded_by_id == actor.pk or row.staff.filter(pk=actor.pk).exists():
        raise PermissionDenied(
            _("Someone who recorded the finding or is named in it cannot approve it.")
        )
    row.approved_by, row.approved_at = actor, clock.now()
    row.save(update_fields=["approved_by", "approved_at"])
    _record(locked, actor=actor, type=Type.ACCOUNTABILITY_APPROVED, data={"finding": row.pk})
    return row


def can_read_accountability(user: User, complaint: Complaint) -> bool:
    return bool(complaint_roles_for(user, complaint) & rules.ACCOUNTABILITY_READERS)


# --- suggestions ---------------------------------------------------------------------------


@transaction.atomic
def suggestion_decide(
    *,
    complaint: Complaint,
    actor: User,
    adoption: str,
    reason: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """采纳: adopted, partly, not adopted, or under study; the answer to the customer says so."""
    locked = _begin(complaint, actor, Step.ADOPTION, expected_version)
    if locked.kind != "suggestion":
        raise Conflict(_("Only a suggestion has an adoption decision."), code="not_a_suggestion")
    locked.adoption = _choice(
        "adoption", adoption, ["adopted", "partly", "not_adopted", "under_study"]
    )
    _record(
        locked,
        actor=actor,
        type=Type.ADOPTION_DECIDED,
        message=_text("reason", reason, required=False),
        data={"adoption": adoption},
        fields=("adoption",),
    )
    return locked


_CUSTOMER_RECORDERS = frozenset({"agent", "complaint_manager", "supervisor", "executive"})


def _check_recorder(complaint: Complaint, actor: User) -> None:
    if not (
        complaint_roles_for(actor, complaint) & _CUSTOMER_RECORDERS
        or complaint.owner_id == actor.pk
    ):
        raise PermissionDenied(_("Your role may not record what the customer said."))


def customer_confirm_record(*, complaint: Complaint, actor: User, comment: str = "") -> Complaint:
    """Staff take down the customer's acceptance (by phone, at the counter)."""
    _check_recorder(complaint, actor)
    return complaint_customer_confirm(complaint=complaint, comment=comment, recorded_by=actor)


def customer_dispute_record(
    *, complaint: Complaint, actor: User, reason: str, review: bool = False
) -> Complaint:
    """Staff take down the customer's dispute, and whether they ask for a review."""
    _check_recorder(complaint, actor)
    return complaint_customer_dispute(
        complaint=complaint, reason=reason, review=review, recorded_by=actor
    )


def task_get_for_user(*, task_id: int, user: User) -> CollaborationTask:
    task = (
        CollaborationTask.objects.select_related("complaint", "org_unit").filter(pk=task_id).first()
    )
    if task is None or (
        task.assignee_id != user.pk and not complaint_roles_for(user, task.complaint)
    ):
        raise NotFound("no such task", code="task_not_found")
    return task
