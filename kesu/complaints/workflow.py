"""The complaint state machine: statuses, the transition table and its guards.

Pure: no ORM, no I/O. complaints.services is the only caller that changes a status, and it
asks `check_transition` first. Every rule a case's life follows is in this file.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Role
from kesu.core.errors import Conflict, PermissionDenied, ValidationFailed


class Status(StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    ANSWERED = "answered"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"


STATUS_LABELS = {
    Status.RECEIVED: _("Received"),
    Status.ACCEPTED: _("Accepted"),
    Status.NOT_ACCEPTED: _("Not accepted"),
    Status.ASSIGNED: _("Assigned"),
    Status.IN_PROGRESS: _("In progress"),
    Status.AWAITING_APPROVAL: _("Awaiting approval"),
    Status.APPROVED: _("Approved"),
    Status.ANSWERED: _("Answered"),
    Status.FOLLOW_UP: _("Follow-up"),
    Status.CLOSED: _("Closed"),
}

# A case is finished when closed or not accepted; every other status is open.
FINAL_STATUSES = frozenset({Status.NOT_ACCEPTED, Status.CLOSED})
OPEN_STATUSES = frozenset(Status) - FINAL_STATUSES


class Kind(StrEnum):
    COMPLAINT = "complaint"
    INQUIRY = "inquiry"
    SUGGESTION = "suggestion"


KIND_LABELS = {
    Kind.COMPLAINT: _("Complaint"),
    Kind.INQUIRY: _("Inquiry"),
    Kind.SUGGESTION: _("Suggestion"),
}


class Action(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    ASSIGN = "assign"
    START = "start"
    PROPOSE = "propose"
    APPROVE = "approve"
    RETURN = "return"
    ANSWER = "answer"
    FOLLOW_UP = "follow_up"
    CLOSE = "close"
    REOPEN = "reopen"
    ESCALATE = "escalate"
    NOTE = "note"
    PAUSE = "pause"
    RESUME = "resume"
    EXTEND = "extend"
    DECIDE_EXTENSION = "decide_extension"


ACTION_LABELS = {
    Action.ACCEPT: _("Accept"),
    Action.REJECT: _("Do not accept"),
    Action.ASSIGN: _("Assign"),
    Action.START: _("Start handling"),
    Action.PROPOSE: _("Propose a solution"),
    Action.APPROVE: _("Approve"),
    Action.RETURN: _("Return for rework"),
    Action.ANSWER: _("Answer the customer"),
    Action.FOLLOW_UP: _("Record the revisit"),
    Action.CLOSE: _("Close the case"),
    Action.REOPEN: _("Reopen"),
    Action.ESCALATE: _("Escalate"),
    Action.NOTE: _("Add a note"),
    Action.PAUSE: _("Wait for the customer"),
    Action.RESUME: _("The customer answered"),
    Action.EXTEND: _("Request more time"),
    Action.DECIDE_EXTENSION: _("Decide on more time"),
}

# How the fields an action requires are named to people.
FIELD_LABELS = {
    "reason": _("reason"),
    "assignee": _("assignee"),
    "org_unit": _("responsible unit"),
    "solution": _("proposed solution"),
    "answer": _("answer to the customer"),
    "note": _("note"),
    "is_satisfied": _("customer satisfied"),
    "text": _("text"),
    "amount": _("amount"),
    "unit": _("unit"),
    "approve": _("decision"),
}

_MANAGERS = frozenset({Role.COMPLAINT_MANAGER, Role.SUPERVISOR, Role.EXECUTIVE})
_APPROVERS = frozenset({Role.SUPERVISOR, Role.EXECUTIVE})
_CASE_WORKERS = frozenset(
    {Role.AGENT, Role.COMPLAINT_MANAGER, Role.HANDLER, Role.SUPERVISOR, Role.EXECUTIVE}
)
_EVERY_ROLE = frozenset(Role)


@dataclass(frozen=True)
class Transition:
    """One row of the table: from which statuses an action leads where, and who may take it."""

    action: Action
    sources: frozenset[Status]
    # None: the status does not change (escalate, note).
    target: Status | None
    roles: frozenset[str]
    # The case's owner may take it whatever their role (they hold the case).
    owner_allowed: bool = False
    # Payload fields that must be present and not blank.
    required: tuple[str, ...] = ()
    # Limits the row to some kinds of case; empty means every kind.
    kinds: frozenset[Kind] = frozenset()
    # Case flags (see FLAGS) the row needs set, or needs clear.
    needs: frozenset[str] = frozenset()
    forbids: frozenset[str] = frozenset()


# Facts about a case beyond its status that some rows depend on.
PAUSED = "paused"
EXTENSION_PENDING = "extension_pending"
FLAGS = frozenset({PAUSED, EXTENSION_PENDING})


_ALL_KINDS: frozenset[Kind] = frozenset()
_AFTER_ANSWER = frozenset({Status.ANSWERED, Status.FOLLOW_UP, Status.CLOSED})
_BEFORE_ANSWER = frozenset(
    {
        Status.RECEIVED,
        Status.ACCEPTED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.AWAITING_APPROVAL,
        Status.APPROVED,
    }
)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(Action.ACCEPT, frozenset({Status.RECEIVED}), Status.ACCEPTED, _MANAGERS),
    # 首问负责制: the agent who takes an inquiry answers it on the spot when they can.
    Transition(
        Action.ACCEPT,
        frozenset({Status.RECEIVED}),
        Status.ACCEPTED,
        frozenset({Role.AGENT}),
        kinds=frozenset({Kind.INQUIRY}),
    ),
    Transition(
        Action.REJECT,
        frozenset({Status.RECEIVED}),
        Status.NOT_ACCEPTED,
        _MANAGERS,
        required=("reason",),
    ),
    Transition(
        Action.ASSIGN,
        frozenset({Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS}),
        Status.ASSIGNED,
        _MANAGERS,
        required=("assignee", "org_unit"),
    ),
    Transition(
        Action.START,
        frozenset({Status.ASSIGNED}),
        Status.IN_PROGRESS,
        _APPROVERS,
        owner_allowed=True,
    ),
    Transition(
        Action.PROPOSE,
        frozenset({Status.IN_PROGRESS}),
        Status.AWAITING_APPROVAL,
        _APPROVERS,
        owner_allowed=True,
        required=("solution",),
    ),
    Transition(Action.APPROVE, frozenset({Status.AWAITING_APPROVAL}), Status.APPROVED, _APPROVERS),
    Transition(
        Action.RETURN,
        frozenset({Status.AWAITING_APPROVAL}),
        Status.IN_PROGRESS,
        _APPROVERS,
        required=("reason",),
    ),
    Transition(
        Action.ANSWER,
        frozenset({Status.APPROVED}),
        Status.ANSWERED,
        _MANAGERS,
        owner_allowed=True,
        required=("answer",),
    ),
    # Inquiries need no investigation or approval: they may be answered once accepted.
    Transition(
        Action.ANSWER,
        frozenset({Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS}),
        Status.ANSWERED,
        _MANAGERS | {Role.AGENT},
        owner_allowed=True,
        required=("answer",),
        kinds=frozenset({Kind.INQUIRY}),
    ),
    # 回访: satisfied closes, dissatisfied reopens (complaints.services takes that step); a
    # customer not reached leaves the case in follow-up for another try.
    Transition(
        Action.FOLLOW_UP,
        frozenset({Status.ANSWERED, Status.FOLLOW_UP}),
        Status.FOLLOW_UP,
        _MANAGERS | {Role.AGENT},
        required=("note",),
    ),
    Transition(Action.CLOSE, frozenset({Status.FOLLOW_UP}), Status.CLOSED, _MANAGERS),
    # An answered inquiry or suggestion needs no revisit before it is closed.
    Transition(
        Action.CLOSE,
        frozenset({Status.ANSWERED}),
        Status.CLOSED,
        _MANAGERS,
        kinds=frozenset({Kind.INQUIRY, Kind.SUGGESTION}),
    ),
    # 首问负责制: the agent who answered an inquiry closes it too.
    Transition(
        Action.CLOSE,
        frozenset({Status.ANSWERED}),
        Status.CLOSED,
        frozenset({Role.AGENT}),
        kinds=frozenset({Kind.INQUIRY}),
    ),
    Transition(Action.REOPEN, _AFTER_ANSWER, Status.IN_PROGRESS, _MANAGERS, required=("reason",)),
    Transition(
        Action.ESCALATE,
        OPEN_STATUSES,
        None,
        _CASE_WORKERS,
        owner_allowed=True,
        required=("reason",),
    ),
    Transition(Action.NOTE, frozenset(Status), None, _EVERY_ROLE, required=("text",)),
    # 待客户补充: asking the customer for more stops the clocks until they answer.
    Transition(
        Action.PAUSE,
        _BEFORE_ANSWER,
        None,
        _CASE_WORKERS,
        owner_allowed=True,
        required=("reason",),
        forbids=frozenset({PAUSED}),
    ),
    Transition(
        Action.RESUME,
        _BEFORE_ANSWER,
        None,
        _CASE_WORKERS,
        owner_allowed=True,
        needs=frozenset({PAUSED}),
    ),
    # 3 → 7 working days: the owner asks, a supervisor who did not ask decides.
    Transition(
        Action.EXTEND,
        _BEFORE_ANSWER - {Status.RECEIVED},
        None,
        _MANAGERS,
        owner_allowed=True,
        required=("reason", "amount", "unit"),
        forbids=frozenset({EXTENSION_PENDING}),
    ),
    Transition(
        Action.DECIDE_EXTENSION,
        _BEFORE_ANSWER - {Status.RECEIVED},
        None,
        _APPROVERS,
        required=("approve",),
        needs=frozenset({EXTENSION_PENDING}),
    ),
)


def transitions_for(action: Action, kind: Kind) -> list[Transition]:
    """The rows of the table for `action` that apply to a case of `kind`."""
    return [t for t in TRANSITIONS if t.action == action and (not t.kinds or kind in t.kinds)]


def _fits(row: Transition, flags: Collection[str]) -> bool:
    return row.needs <= set(flags) and not row.forbids & set(flags)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_transition(
    action: Action | str,
    *,
    status: Status | str,
    kind: Kind | str,
    roles: Collection[str],
    is_owner: bool,
    payload: dict[str, object] | None = None,
    flags: Collection[str] = frozenset(),
) -> Transition:
    """The transition `action` takes from `status`, or the reason it may not be taken.

    Raises Conflict when the status does not allow the action (HTTP 409), PermissionDenied
    when the actor's roles do not, and ValidationFailed when a required field is missing.
    """
    try:
        action, status, kind = Action(action), Status(status), Kind(kind)
    except ValueError as error:
        raise ValidationFailed(str(error), fields={"action": "unknown"}) from error
    rows = transitions_for(action, kind)
    from_here = [row for row in rows if status in row.sources and _fits(row, flags)]
    if not from_here:
        raise Conflict(
            _("A case that is “%(status)s” cannot be sent to “%(action)s”.")
            % {"status": STATUS_LABELS[status], "action": ACTION_LABELS[action]},
            code="transition_not_allowed",
        )
    permitted = [
        row for row in from_here if set(roles) & row.roles or (row.owner_allowed and is_owner)
    ]
    if not permitted:
        raise PermissionDenied(
            _("Your role may not “%(action)s” this case.") % {"action": ACTION_LABELS[action]}
        )
    row = permitted[0]
    payload = payload or {}
    missing = {
        name: str(_("This field is required."))
        for name in row.required
        if _is_blank(payload.get(name))
    }
    if missing:
        raise ValidationFailed(
            _("Required to “%(action)s”: %(fields)s.")
            % {
                "action": ACTION_LABELS[action],
                "fields": "、".join(str(FIELD_LABELS.get(name, name)) for name in missing),
            },
            fields=missing,
        )
    return row


def allowed_actions(
    *,
    status: Status | str,
    kind: Kind | str,
    roles: Collection[str],
    is_owner: bool,
    flags: Collection[str] = frozenset(),
) -> list[Action]:
    """The actions this actor may take on a case now, in the table's order, each once."""
    status, kind = Status(status), Kind(kind)
    found: list[Action] = []
    for row in TRANSITIONS:
        if row.action in found or (row.kinds and kind not in row.kinds) or not _fits(row, flags):
            continue
        if status in row.sources and (set(roles) & row.roles or (row.owner_allowed and is_owner)):
            found.append(row.action)
    return found


def escalation_target(
    chain: Iterable[object], *, level: int, current_owner: object | None
) -> object | None:
    """Who an escalation to `level` hands the case to.

    `chain` lists the supervisors from the case's unit up to head office, nearest first.
    Level 1 goes to the nearest, level 2 to the one above, and so on; someone who already
    holds the case is passed over. None means there is nobody further up.
    """
    people = list(chain)
    for person in people[max(level - 1, 0) :]:
        if person != current_owner:
            return person
    return None


# Who may change which recorded fields of a case, and when.
CLASSIFICATION_FIELDS = frozenset({"category", "severity", "risk", "received_at"})
_RECORD_EDITORS = _MANAGERS | {Role.AGENT}


def check_edit(
    *, fields: Iterable[str], status: Status | str, roles: Collection[str], is_owner: bool
) -> None:
    """Refuse an edit the rules forbid: a finished case is kept unaltered (归档), only
    managers classify, and the record itself is kept by whoever registered or holds it."""
    fields = set(fields)
    if Status(status) in FINAL_STATUSES:
        raise Conflict(
            _("A finished case is kept as it was; reopen it before changing it."),
            code="case_finished",
        )
    if fields & CLASSIFICATION_FIELDS and not set(roles) & _MANAGERS:
        raise PermissionDenied(_("Only a complaint manager or supervisor may classify a case."))
    if fields - CLASSIFICATION_FIELDS and not (set(roles) & _RECORD_EDITORS or is_owner):
        raise PermissionDenied(_("Your role may not change this case's record."))


# The one free text each action takes, named as its service names it.
ACTION_TEXT_FIELD = {
    Action.ACCEPT: "note",
    Action.REJECT: "reason",
    Action.ASSIGN: "note",
    Action.START: "note",
    Action.PROPOSE: "solution",
    Action.APPROVE: "comment",
    Action.RETURN: "reason",
    Action.ANSWER: "answer",
    Action.FOLLOW_UP: "note",
    Action.CLOSE: "reason",
    Action.REOPEN: "reason",
    Action.ESCALATE: "reason",
    Action.NOTE: "text",
    Action.PAUSE: "reason",
    Action.RESUME: "note",
    Action.EXTEND: "reason",
    Action.DECIDE_EXTENSION: "note",
}


def action_payload(
    action: Action,
    *,
    text: str = "",
    assignee: str | None = None,
    org_unit: str | None = None,
    is_satisfied: bool | None = None,
    satisfaction: int | None = None,
    is_public: bool = False,
    amount: int | None = None,
    unit: str | None = None,
    approve: bool | None = None,
) -> dict[str, object]:
    """The payload for `action` from a generic form (the admin's, the command line's)."""
    payload: dict[str, object] = {ACTION_TEXT_FIELD[action]: text}
    if action == Action.EXTEND:
        payload.update(amount=amount, unit=unit)
    if action == Action.DECIDE_EXTENSION:
        payload["approve"] = approve
    if action == Action.ASSIGN:
        payload.update(assignee=assignee, org_unit=org_unit)
    if action == Action.FOLLOW_UP:
        payload.update(is_satisfied=is_satisfied, satisfaction=satisfaction)
    if action == Action.NOTE:
        payload["is_public"] = is_public
    return payload


# --- what the customer may do through the portal or by email ---------------------------------


class CustomerStep(StrEnum):
    ADD = "add"
    CONFIRM = "confirm"
    DISPUTE = "dispute"
    RATE = "rate"


# From which statuses each step may be taken; a dispute sends the case back to its handler.
CUSTOMER_STEPS: dict[CustomerStep, frozenset[Status]] = {
    CustomerStep.ADD: OPEN_STATUSES,
    CustomerStep.CONFIRM: frozenset({Status.ANSWERED, Status.FOLLOW_UP}),
    CustomerStep.DISPUTE: frozenset({Status.ANSWERED, Status.FOLLOW_UP}),
    CustomerStep.RATE: _AFTER_ANSWER,
}
DISPUTE_TARGET = Status.IN_PROGRESS


def customer_steps(*, status: Status | str, has_responded: bool, has_rated: bool) -> list[str]:
    """The steps the customer may take now: confirm or dispute once per answer, rate once."""
    status = Status(status)
    steps = [step for step, sources in CUSTOMER_STEPS.items() if status in sources]
    if has_responded:
        steps = [s for s in steps if s not in (CustomerStep.CONFIRM, CustomerStep.DISPUTE)]
    if has_rated:
        steps = [s for s in steps if s != CustomerStep.RATE]
    return [str(step) for step in steps]


def check_customer_step(
    step: CustomerStep | str, *, status: Status | str, has_responded: bool, has_rated: bool
) -> None:
    """Refuse a step the case does not allow now (Conflict, HTTP 409)."""
    if str(step) not in customer_steps(
        status=status, has_responded=has_responded, has_rated=has_rated
    ):
        raise Conflict(
            _("This cannot be done on the case now (it is “%(status)s”).")
            % {"status": STATUS_LABELS[Status(status)]},
            code="customer_step_not_allowed",
        )
