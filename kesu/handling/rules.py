"""The rules of handling in depth. Pure: no ORM, no I/O; services ask, this module answers.

Who may record what and when, which level approves how much money, who must stand aside
(回避) and why, and the wording of the decision letter.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kesu.accounts.roles import Role
from kesu.complaints.workflow import Status
from kesu.core.errors import Conflict, PermissionDenied, ValidationFailed


class Step(StrEnum):
    INVESTIGATE = "investigate"
    CAUSE = "cause"
    REQUEST_TASK = "request_task"
    OVERRIDE_TASKS = "override_tasks"
    COMPENSATE = "compensate"
    VERIFY_IDENTITY = "verify_identity"
    CONFIRM_COMPENSATION = "confirm_compensation"
    PAY = "pay"
    ACCOUNTABILITY = "accountability"
    APPROVE_ACCOUNTABILITY = "approve_accountability"
    ADOPTION = "adoption"


STEP_LABELS = {
    Step.INVESTIGATE: gettext_lazy("Record an investigation"),
    Step.CAUSE: gettext_lazy("Record a cause"),
    Step.REQUEST_TASK: gettext_lazy("Ask another department"),
    Step.OVERRIDE_TASKS: gettext_lazy("Override open tasks"),
    Step.COMPENSATE: gettext_lazy("Record compensation"),
    Step.VERIFY_IDENTITY: gettext_lazy("Verify identity"),
    Step.CONFIRM_COMPENSATION: gettext_lazy("Record the customer's confirmation"),
    Step.PAY: gettext_lazy("Record the payment"),
    Step.ACCOUNTABILITY: gettext_lazy("Record the responsibility finding"),
    Step.APPROVE_ACCOUNTABILITY: gettext_lazy("Approve the responsibility finding"),
    Step.ADOPTION: gettext_lazy("Decide on adoption"),
}

_HANDLING = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.AWAITING_APPROVAL})
_AFTER_APPROVAL = frozenset({Status.APPROVED, Status.ANSWERED, Status.FOLLOW_UP, Status.CLOSED})
_LEADERS = frozenset({Role.SUPERVISOR, Role.EXECUTIVE})
_CASE_MANAGERS = frozenset({Role.COMPLAINT_MANAGER, Role.SUPERVISOR, Role.EXECUTIVE})
_QUALITY = frozenset({Role.QUALITY_MANAGER, Role.SUPERVISOR, Role.EXECUTIVE})


@dataclass(frozen=True)
class StepRule:
    statuses: frozenset[Status]
    roles: frozenset[str]
    owner_allowed: bool = False


STEPS: dict[Step, StepRule] = {
    Step.INVESTIGATE: StepRule(_HANDLING, _LEADERS, owner_allowed=True),
    Step.CAUSE: StepRule(_HANDLING | {Status.APPROVED}, _LEADERS, owner_allowed=True),
    Step.REQUEST_TASK: StepRule(
        frozenset({Status.ASSIGNED, Status.IN_PROGRESS}), _LEADERS, owner_allowed=True
    ),
    Step.OVERRIDE_TASKS: StepRule(
        frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.APPROVED}), _LEADERS
    ),
    Step.COMPENSATE: StepRule(_AFTER_APPROVAL - {Status.CLOSED}, _CASE_MANAGERS, True),
    Step.VERIFY_IDENTITY: StepRule(_AFTER_APPROVAL, _CASE_MANAGERS | {Role.AGENT}, True),
    Step.CONFIRM_COMPENSATION: StepRule(_AFTER_APPROVAL, _CASE_MANAGERS | {Role.AGENT}, True),
    Step.PAY: StepRule(_AFTER_APPROVAL, _CASE_MANAGERS),
    # The finding is made once the facts are in, and may wait until after closing.
    Step.ACCOUNTABILITY: StepRule(
        frozenset(Status) - {Status.RECEIVED, Status.ACCEPTED, Status.NOT_ACCEPTED}, _QUALITY
    ),
    Step.APPROVE_ACCOUNTABILITY: StepRule(
        frozenset(Status) - {Status.RECEIVED, Status.ACCEPTED, Status.NOT_ACCEPTED}, _LEADERS
    ),
    Step.ADOPTION: StepRule(
        frozenset({Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.APPROVED}),
        _LEADERS,
    ),
}

# Who may read the responsibility finding: never the customer (the same set hides its
# timeline steps in complaints.selectors).
ACCOUNTABILITY_READERS = _QUALITY


def check_step(step: Step | str, *, status: str, roles: Collection[str], is_owner: bool) -> None:
    """Refuse a handling step the case's status or the actor's roles do not allow."""
    step = Step(step)
    rule = STEPS[step]
    if Status(status) not in rule.statuses:
        raise Conflict(
            _("“%(step)s” cannot be done while the case is “%(status)s”.")
            % {"step": STEP_LABELS[step], "status": _status_label(status)},
            code="step_not_allowed",
        )
    if not (set(roles) & rule.roles or (rule.owner_allowed and is_owner)):
        raise PermissionDenied(
            _("Your role may not “%(step)s” on this case.") % {"step": STEP_LABELS[step]}
        )


def _status_label(status: str) -> str:
    from kesu.complaints.workflow import STATUS_LABELS

    return str(STATUS_LABELS[Status(status)])


# --- money and the approval level -----------------------------------------------------------

MEASURE_KINDS = (
    "apology",
    "explanation",
    "repair",
    "replacement",
    "refund",
    "compensation",
    "service_suspension",
    "other",
)
MONEY_MEASURES = frozenset({"refund", "compensation"})
LEVEL_ORDER = ("department", "branch", "head_office")
# Which org unit kind each approval level sits at.
LEVEL_UNIT_KIND = {"department": "department", "branch": "branch", "head_office": "company"}


def money_of(measures: Iterable[tuple[str, Decimal | None]]) -> Decimal:
    """What a solution gives away: refunds and compensation, added up."""
    return sum(
        (amount or Decimal(0) for kind, amount in measures if kind in MONEY_MEASURES), Decimal(0)
    )


def check_measures(measures: Sequence[dict]) -> None:
    """Each measure known, amounts not negative, and money measures carry an amount."""
    if not measures:
        raise ValidationFailed(
            _("Name at least one measure."), fields={"measures": _("At least one measure.")}
        )
    for index, measure in enumerate(measures):
        field = f"measures.{index}"
        if measure.get("kind") not in MEASURE_KINDS:
            raise ValidationFailed(
                _("Unknown measure “%(kind)s”.") % {"kind": measure.get("kind")},
                fields={f"{field}.kind": _("Unknown measure.")},
            )
        amount = measure.get("amount")
        if amount is not None and Decimal(amount) < 0:
            raise ValidationFailed(
                _("An amount cannot be negative."), fields={f"{field}.amount": _("At least 0.")}
            )
        if measure["kind"] in MONEY_MEASURES and amount is None:
            raise ValidationFailed(
                _("A refund or compensation needs its amount."),
                fields={f"{field}.amount": _("This field is required.")},
            )


def level_for(amount: Decimal, rules: Iterable[tuple[Decimal | None, str]]) -> str:
    """The level the first rule (smallest ceiling first) that covers `amount` names;
    head office when no rule does."""
    ordered = sorted(rules, key=lambda rule: (rule[0] is None, rule[0] or 0))
    if not ordered:
        return "department"
    for ceiling, level in ordered:
        if ceiling is None or amount <= ceiling:
            return level
    return "head_office"


# --- independence (回避) ---------------------------------------------------------------------


def conflict_reason(
    *, user_id: int, names: Collection[str], handled_by: Collection[int], staff_involved: str
) -> str:
    """Why this person must stand aside from approving or reviewing the case; empty if not."""
    if user_id in handled_by:
        return str(gettext_lazy("handled this case"))
    text = staff_involved or ""
    if any(name and name in text for name in names):
        return str(gettext_lazy("is named as staff involved"))
    return ""


@dataclass(frozen=True)
class Candidate:
    user_id: int
    label: str
    unit_kind: str
    names: tuple[str, ...]


def route(
    candidates: Sequence[Candidate],
    *,
    level: str,
    handled_by: Collection[int],
    staff_involved: str,
) -> tuple[int | None, list[str]]:
    """Who approves or reviews at `level` (or above): the nearest candidate at a unit of that
    level or higher who is not conflicted. Returns their id and a note for each person passed
    over, with the reason."""
    wanted = LEVEL_ORDER.index(level)
    kinds = [LEVEL_UNIT_KIND[name] for name in LEVEL_ORDER[wanted:]]
    notes = []
    for candidate in candidates:
        if candidate.unit_kind not in kinds:
            continue
        reason = conflict_reason(
            user_id=candidate.user_id,
            names=candidate.names,
            handled_by=handled_by,
            staff_involved=staff_involved,
        )
        if reason:
            notes.append(
                _("%(person)s stands aside: %(reason)s.")
                % {"person": candidate.label, "reason": reason}
            )
            continue
        return candidate.user_id, notes
    return None, notes


def level_above(level: str) -> str:
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[min(index + 1, len(LEVEL_ORDER) - 1)]


# --- the decision letter ---------------------------------------------------------------------


def decision_letter(
    *, findings: str, decision: str, routes: Sequence[tuple[str, str]], adoption: str = ""
) -> str:
    """答复函: what was found, what will be done, and where to turn in disagreement."""
    parts = []
    if findings.strip():
        parts.append(_("What we found:") + "\n" + findings.strip())
    if adoption:
        parts.append(_("Your suggestion: %(adoption)s.") % {"adoption": adoption})
    parts.append(_("What we will do:") + "\n" + decision.strip())
    if routes:
        lines = [
            f"{index}. {name}" + (f"：{detail}" if detail else "")
            for index, (name, detail) in enumerate(routes, start=1)
        ]
        parts.append(_("If you disagree, you may turn to:") + "\n" + "\n".join(lines))
    return "\n\n".join(parts)


# --- the revisit ----------------------------------------------------------------------------

SATISFACTION_LABELS = {
    5: gettext_lazy("Very satisfied"),
    4: gettext_lazy("Satisfied"),
    3: gettext_lazy("Neutral"),
    2: gettext_lazy("Dissatisfied"),
    1: gettext_lazy("Very dissatisfied"),
}


def is_satisfied(satisfaction: int) -> bool:
    """A revisit at 3 (neutral) or better closes the case; 1–2 reopen it."""
    return satisfaction >= 3
