"""The improvement loop: actions with a measured effect, spot checks, quarterly reviews.
Cases change only through complaints.services (a failed check may reopen one)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import OrgUnit, User
from kesu.accounts.roles import Role
from kesu.accounts.selectors import user_role_assignments, user_roles
from kesu.complaints.access import complaint_scope_q
from kesu.complaints.models import Category, Complaint
from kesu.complaints.services import complaint_reopen
from kesu.core import clock
from kesu.core.errors import NotFound, PermissionDenied, ValidationFailed
from kesu.core.validation import require_text
from kesu.notifications.services import notify
from kesu.quality import rules
from kesu.quality.models import (
    CheckedCase,
    ChecklistItem,
    CorrectiveAction,
    QuarterlyReview,
    SpotCheck,
)

LEADS = frozenset({Role.QUALITY_MANAGER, Role.SUPERVISOR, Role.EXECUTIVE})
MAX = settings.KESU_MAX_TEXT_LENGTH


def is_quality_lead(user: User) -> bool:
    return bool(user.is_superuser or user_roles(user) & LEADS)


def require_quality_lead(user: User) -> None:
    if not is_quality_lead(user):
        raise PermissionDenied(_("Only quality managers and supervisors run the improvement loop."))


def _text(field: str, value: str, *, required: bool = True, maximum: int = MAX) -> str:
    return require_text(field, value, maximum=maximum, required=required)


def _category(code: str | None) -> Category | None:
    if not code:
        return None
    row = Category.objects.filter(code=code).first()
    if row is None:
        raise ValidationFailed(
            _("Unknown category “%(code)s”.") % {"code": code},
            fields={"category": _("Unknown category.")},
        )
    return row


def _unit(code: str | None) -> OrgUnit | None:
    if not code:
        return None
    row = OrgUnit.objects.filter(code=code).first()
    if row is None:
        raise ValidationFailed(
            _("Unknown org unit “%(code)s”.") % {"code": code},
            fields={"org_unit": _("Unknown org unit.")},
        )
    return row


# --- corrective and preventive actions --------------------------------------------------------


def action_list_for_user(*, user: User):
    actions = CorrectiveAction.objects.select_related("owner", "category", "org_unit")
    return actions if is_quality_lead(user) else actions.filter(owner=user)


def action_get_for_user(*, action_id: int, user: User) -> CorrectiveAction:
    action = action_list_for_user(user=user).filter(pk=action_id).first()
    if action is None:
        raise NotFound("no such action", code="action_not_found")
    return action


@transaction.atomic
def action_create(
    *,
    actor: User,
    title: str,
    kind: str,
    root_cause: str,
    measures: str,
    owner: str,
    due_date: dt.date,
    complaints: list[str] | None = None,
    category: str | None = None,
    org_unit: str | None = None,
    follows: CorrectiveAction | None = None,
) -> CorrectiveAction:
    """A corrective or preventive action against cases, or against a category's trend in an
    org unit; owned by someone who will carry it out by the due date."""
    require_quality_lead(actor)
    if kind not in CorrectiveAction.Kind.values:
        raise ValidationFailed(
            _("Choose corrective or preventive."), fields={"kind": _("Unknown kind.")}
        )
    cases = list(Complaint.objects.filter(complaint_scope_q(actor), number__in=complaints or []))
    if len(cases) != len(set(complaints or [])):
        raise ValidationFailed(
            _("Some of those cases are unknown or outside your scope."),
            fields={"complaints": _("Unknown case.")},
        )
    category_row, unit = _category(category), _unit(org_unit)
    if not cases and category_row is None:
        raise ValidationFailed(
            _("Link the action to cases, or to a category (and org unit) for a trend."),
            fields={"complaints": _("Cases or a category.")},
        )
    person = User.objects.filter(username=owner, is_active=True).first()
    if person is None:
        raise ValidationFailed(
            _("Unknown user “%(name)s”.") % {"name": owner}, fields={"owner": _("Unknown user.")}
        )
    if due_date < timezone.localdate(clock.now()):
        raise ValidationFailed(
            _("The due date has passed."), fields={"due_date": _("Today or later.")}
        )
    if category_row is None and cases:
        category_row = cases[0].category
    if unit is None and cases:
        unit = cases[0].org_unit or cases[0].intake_unit
    action = CorrectiveAction.objects.create(
        title=_text("title", title, maximum=200),
        kind=kind,
        category=category_row,
        org_unit=unit,
        root_cause=_text("root_cause", root_cause),
        measures=_text("measures", measures),
        owner=person,
        due_date=due_date,
        follows=follows,
        created_by=actor,
        created_at=clock.now(),
    )
    action.complaints.set(cases)
    notify(
        recipients=[person],
        kind="action_assigned",
        title=_("Action to carry out: %(title)s") % {"title": action.title},
        body=action.measures,
    )
    return action


@transaction.atomic
def action_progress(
    *, action: CorrectiveAction, actor: User, state: str, evidence: str = ""
) -> CorrectiveAction:
    """The owner (or a quality lead) reports progress: in progress, then done with evidence."""
    row = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if actor.pk != row.owner_id and not is_quality_lead(actor):
        raise PermissionDenied(_("Only the action's owner or a quality manager reports progress."))
    if state not in ("in_progress", "done"):
        raise ValidationFailed(
            _("Progress is “in progress” or “done”."), fields={"state": _("in_progress or done.")}
        )
    rules.check_move(row.state, state)
    row.state = state
    if state == "done":
        row.evidence = _text("evidence", evidence)
        row.done_at = clock.now()
    row.save(update_fields=["state", "evidence", "done_at"])
    return row


def _trend_cases(action: CorrectiveAction):
    cases = Complaint.objects.all()
    if action.category_id:
        cases = cases.filter(
            Q(category=action.category_id) | Q(category__parent=action.category_id)
        )
    if action.org_unit_id:
        path = action.org_unit.path
        cases = cases.filter(
            Q(org_unit__path__startswith=path) | Q(intake_unit__path__startswith=path)
        )
    return cases


def action_effect(
    *, action: CorrectiveAction, window_days: int = 90, now: dt.datetime | None = None
) -> dict:
    """Complaints of the action's category in its org unit, `window_days` before and after the
    action was done (or from now, if it is not done yet), per 30 days."""
    if not 7 <= window_days <= 730:
        raise ValidationFailed(
            _("The window is 7 to 730 days."), fields={"window_days": _("7 to 730.")}
        )
    now = now or clock.now()
    pivot = action.done_at or now
    window = dt.timedelta(days=window_days)
    cases = _trend_cases(action)
    before = cases.filter(received_at__gte=pivot - window, received_at__lt=pivot).count()
    after_end = min(pivot + window, now)
    after = cases.filter(received_at__gte=pivot, received_at__lt=after_end).count()
    result = rules.effect(
        before=before,
        after=after,
        before_days=window_days,
        after_days=max((after_end - pivot).total_seconds(), 0) / 86400,
    )
    result.update(
        window_days=window_days,
        pivot=timezone.localtime(pivot).isoformat(),
        category=action.category.code if action.category_id else None,
        org_unit=action.org_unit.code if action.org_unit_id else None,
    )
    return result


@transaction.atomic
def action_verify(
    *,
    action: CorrectiveAction,
    actor: User,
    effective: bool,
    evidence: str,
    window_days: int = 90,
    follow_up: dict | None = None,
) -> CorrectiveAction:
    """The quality manager's verdict, with the measured effect kept beside it; a
    not-effective action may spawn its follow-up at once."""
    require_quality_lead(actor)
    row = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    target = "effective" if effective else "not_effective"
    rules.check_move(row.state, target)
    if actor.pk == row.owner_id:
        raise PermissionDenied(_("The owner of an action does not verify its own effect."))
    row.effect = action_effect(action=row, window_days=window_days)
    row.state, row.verified_by, row.verified_at = target, actor, clock.now()
    row.evidence = "\n\n".join(x for x in (row.evidence, _text("evidence", evidence)) if x)
    row.save(update_fields=["effect", "state", "verified_by", "verified_at", "evidence"])
    if follow_up and not effective:
        action_create(
            actor=actor,
            title=follow_up.get("title") or _("Follow-up: %(title)s") % {"title": row.title},
            kind=row.kind,
            root_cause=follow_up.get("root_cause") or row.root_cause,
            measures=follow_up.get("measures") or "",
            owner=follow_up.get("owner") or row.owner.username,
            due_date=follow_up["due_date"],
            complaints=list(row.complaints.values_list("number", flat=True)),
            category=row.category.code if row.category_id else None,
            org_unit=row.org_unit.code if row.org_unit_id else None,
            follows=row,
        )
    return row


# --- spot checks -------------------------------------------------------------------------


@transaction.atomic
def spot_check_draw(
    *,
    actor: User,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    org_unit: str | None = None,
    category: str | None = None,
    size: int | None = None,
    percent: float | None = None,
    seed: int | None = None,
) -> SpotCheck:
    """Draw a random sample of the closed cases of a period (and unit, and category) that the
    quality manager may see. The seed is stored: the same draw can be repeated and checked."""
    require_quality_lead(actor)
    if period_end < period_start:
        raise ValidationFailed(
            _("The period ends before it starts."), fields={"period_end": _("After the start.")}
        )
    unit, category_row = _unit(org_unit), _category(category)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period_start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period_end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    cases = Complaint.objects.filter(
        complaint_scope_q(actor), status="closed", closed_at__gte=start, closed_at__lt=end
    )
    if unit is not None:
        cases = cases.filter(
            Q(org_unit__path__startswith=unit.path) | Q(intake_unit__path__startswith=unit.path)
        )
    if category_row is not None:
        cases = cases.filter(Q(category=category_row) | Q(category__parent=category_row))
    population = list(cases.values_list("pk", flat=True))
    if not population:
        raise ValidationFailed(
            _("No closed case matches: there is nothing to draw from."),
            fields={"period_start": _("No cases.")},
        )
    count = rules.sample_size(len(population), size=size, percent=percent)
    seed = seed if seed is not None else secrets.randbits(48)
    check = SpotCheck.objects.create(
        title=_text("title", title, maximum=200),
        period_start=period_start,
        period_end=period_end,
        org_unit=unit,
        category=category_row,
        size=count,
        population=len(population),
        seed=seed,
        created_by=actor,
        created_at=clock.now(),
    )
    CheckedCase.objects.bulk_create(
        CheckedCase(spot_check=check, complaint_id=pk)
        for pk in rules.draw(population, size=count, seed=seed)
    )
    return check


def checklist() -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(is_active=True))


@transaction.atomic
def checked_case_review(
    *,
    checked: CheckedCase,
    actor: User,
    answers: dict[str, bool],
    findings: str = "",
    reopen: bool = False,
    open_action: bool = False,
) -> CheckedCase:
    """Score a case against the checklist; a failed case may be reopened or given an action."""
    row = (
        CheckedCase.objects.select_for_update(of=("self",))
        .select_related("complaint", "quarterly_review")
        .get(pk=checked.pk)
    )
    reviewer_ok = is_quality_lead(actor) or (
        row.quarterly_review_id is not None and row.quarterly_review.manager_id == actor.pk
    )
    if not reviewer_ok:
        raise PermissionDenied(
            _("Only quality managers and supervisors review spot-checked cases.")
        )
    items = [item.pk for item in checklist()]
    row.score, row.passed = rules.score({str(k): bool(v) for k, v in answers.items()}, items)
    row.answers = {str(k): bool(v) for k, v in answers.items()}
    row.findings = _text("findings", findings, required=not row.passed)
    row.reviewed_by, row.reviewed_at = actor, clock.now()
    row.save(update_fields=["score", "passed", "answers", "findings", "reviewed_by", "reviewed_at"])
    if not row.passed and reopen:
        complaint_reopen(
            complaint=row.complaint,
            actor=actor,
            reason=_("Spot check failed: %(findings)s") % {"findings": row.findings},
        )
    if not row.passed and open_action:
        complaint = row.complaint
        action_create(
            actor=actor,
            title=_("Spot check failed: %(number)s") % {"number": complaint.number},
            kind=CorrectiveAction.Kind.CORRECTIVE,
            root_cause=row.findings,
            measures=row.findings,
            owner=(complaint.owner or actor).username,
            due_date=timezone.localdate(clock.now()) + dt.timedelta(days=30),
            complaints=[complaint.number],
        )
    return row


# --- the quarterly review ----------------------------------------------------------------


@transaction.atomic
def quarterly_reviews_prepare(*, today: dt.date) -> list[QuarterlyReview]:
    """At a quarter's start: for each complaint manager, the review of last quarter's cases
    closed in their unit. Safe to run twice: a manager has one review per quarter."""
    year, quarter = rules.previous_quarter(today)
    start, end = rules.quarter_bounds(year, quarter)
    tz = timezone.get_current_timezone()
    start_at = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    end_at = dt.datetime.combine(end, dt.time.min, tzinfo=tz)
    made = []
    managers = User.objects.filter(
        is_active=True, role_assignments__role=Role.COMPLAINT_MANAGER
    ).distinct()
    for manager in managers:
        if QuarterlyReview.objects.filter(manager=manager, year=year, quarter=quarter).exists():
            continue
        units = [
            a.org_unit_id
            for a in user_role_assignments(manager)
            if a.role == Role.COMPLAINT_MANAGER
        ]
        cases = Complaint.objects.filter(
            Q(org_unit__in=units) | Q(intake_unit__in=units),
            status="closed",
            closed_at__gte=start_at,
            closed_at__lt=end_at,
        ).values_list("pk", flat=True)
        review = QuarterlyReview.objects.create(
            manager=manager, year=year, quarter=quarter, created_at=clock.now()
        )
        CheckedCase.objects.bulk_create(
            CheckedCase(quarterly_review=review, complaint_id=pk) for pk in cases
        )
        if not review.cases.exists():
            review.finished_at = clock.now()
            review.save(update_fields=["finished_at"])
        notify(
            recipients=[manager],
            kind="quarterly_review",
            title=_("Review your closed cases of %(year)s Q%(quarter)s")
            % {"year": year, "quarter": quarter},
            body=_("%(count)s cases to review.") % {"count": review.cases.count()},
        )
        made.append(review)
    return made


@transaction.atomic
def quarterly_review_finish(*, review: QuarterlyReview, actor: User) -> QuarterlyReview:
    row = QuarterlyReview.objects.select_for_update().get(pk=review.pk)
    if actor.pk != row.manager_id:
        raise PermissionDenied(_("Only the manager finishes their own review."))
    left = row.cases.filter(reviewed_at__isnull=True).count()
    if left:
        raise ValidationFailed(
            _("%(count)s cases are not reviewed yet.") % {"count": left},
            fields={"cases": _("Review every case first.")},
        )
    row.finished_at = clock.now()
    row.save(update_fields=["finished_at"])
    return row


def quarterly_unfinished(*, year: int, quarter: int) -> list[QuarterlyReview]:
    """Who has not finished last quarter's review: the quality manager's list."""
    return list(
        QuarterlyReview.objects.filter(
            year=year, quarter=quarter, finished_at__isnull=True
        ).select_related("manager")
    )


def quarterly_remind_unfinished(*, today: dt.date) -> int:
    """Tell the quality managers whose reviews of last quarter are not finished."""
    year, quarter = rules.previous_quarter(today)
    late = quarterly_unfinished(year=year, quarter=quarter)
    if late:
        leads = User.objects.filter(
            is_active=True, role_assignments__role=Role.QUALITY_MANAGER
        ).distinct()
        notify(
            recipients=list(leads),
            kind="quarterly_review_late",
            title=_("%(count)s quarterly reviews of %(year)s Q%(quarter)s are not finished")
            % {"count": len(late), "year": year, "quarter": quarter},
            body="、".join(str(r.manager) for r in late),
        )
    return len(late)
