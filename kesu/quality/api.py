"""/api/v1 improvement loop: actions, spot checks, quarterly reviews, staff performance."""

import datetime as dt
from typing import Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from kesu.complaints.schemas import ErrorOut, PersonOut, StrictIn
from kesu.core.errors import NotFound
from kesu.quality import performance as perf
from kesu.quality import services
from kesu.quality.models import CheckedCase, QuarterlyReview, SpotCheck

router = Router(tags=["quality"])
_ERRORS = {code: ErrorOut for code in (401, 403, 404, 409, 422)}
MAX = settings.KESU_MAX_TEXT_LENGTH


class ActionIn(StrictIn):
    title: str = Field(min_length=1, max_length=200)
    kind: Literal["corrective", "preventive"]
    complaints: list[str] = Field(default_factory=list, max_length=200)
    category: str | None = Field(None, max_length=20)
    org_unit: str | None = Field(None, max_length=40)
    root_cause: str = Field(min_length=1, max_length=MAX)
    measures: str = Field(min_length=1, max_length=MAX)
    owner: str = Field(max_length=150)
    due_date: dt.date


class ActionOut(Schema):
    id: int
    title: str
    kind: str
    state: str
    complaints: list[str]
    category: str | None
    org_unit: str | None
    root_cause: str
    measures: str
    owner: PersonOut
    due_date: dt.date
    evidence: str
    done_at: dt.datetime | None
    verified_at: dt.datetime | None
    effect: dict
    follows: int | None


class ProgressIn(StrictIn):
    state: Literal["in_progress", "done"]
    evidence: str = Field("", max_length=MAX)


class FollowUpIn(StrictIn):
    title: str = Field("", max_length=200)
    measures: str = Field(min_length=1, max_length=MAX)
    owner: str | None = Field(None, max_length=150)
    due_date: dt.date


class VerifyIn(StrictIn):
    effective: bool
    evidence: str = Field(min_length=1, max_length=MAX)
    window_days: int = Field(90, ge=7, le=730)
    follow_up: FollowUpIn | None = None


class SpotCheckIn(StrictIn):
    title: str = Field(min_length=1, max_length=200)
    period_start: dt.date
    period_end: dt.date
    org_unit: str | None = Field(None, max_length=40)
    category: str | None = Field(None, max_length=20)
    size: int | None = Field(None, ge=1, le=10000)
    percent: float | None = Field(None, gt=0, le=100)
    seed: int | None = Field(None, ge=0, le=2**62)


class CheckedOut(Schema):
    id: int
    complaint: str
    score: int | None
    passed: bool | None
    findings: str
    answers: dict
    reviewed_at: dt.datetime | None


class SpotCheckOut(Schema):
    id: int
    title: str
    period_start: dt.date
    period_end: dt.date
    size: int
    population: int
    seed: int
    cases: list[CheckedOut]


class ReviewIn(StrictIn):
    answers: dict[str, bool]
    findings: str = Field("", max_length=MAX)
    reopen: bool = False
    open_action: bool = False


class QuarterlyOut(Schema):
    id: int
    manager: PersonOut
    year: int
    quarter: int
    cases: int
    reviewed: int
    finished_at: dt.datetime | None


class PerformanceRowOut(Schema):
    name: str
    handled: int
    timeliness: float | None
    satisfaction: float | None
    reopen_rate: float | None
    spot_check_score: float | None
    justified: int
    penalties: list[str]


class PerformanceOut(Schema):
    staff: list[PerformanceRowOut]
    departments: list[PerformanceRowOut]


class PeriodIn(Schema):
    start: dt.date
    end: dt.date


def _person(user):
    return {"username": user.username, "name": str(user)}


def _action(row):
    return {
        "id": row.pk,
        "title": row.title,
        "kind": row.kind,
        "state": row.state,
        "complaints": list(row.complaints.values_list("number", flat=True)),
        "category": row.category.code if row.category_id else None,
        "org_unit": row.org_unit.code if row.org_unit_id else None,
        "root_cause": row.root_cause,
        "measures": row.measures,
        "owner": _person(row.owner),
        "due_date": row.due_date,
        "evidence": row.evidence,
        "done_at": row.done_at,
        "verified_at": row.verified_at,
        "effect": row.effect,
        "follows": row.follows_id,
    }


def _checked(row):
    return {
        "id": row.pk,
        "complaint": row.complaint.number,
        "score": row.score,
        "passed": row.passed,
        "findings": row.findings,
        "answers": row.answers,
        "reviewed_at": row.reviewed_at,
    }


@router.get("/actions", response={200: list[ActionOut], **_ERRORS})
def list_actions(request: HttpRequest):
    return [_action(a) for a in services.action_list_for_user(user=request.user)[:500]]


@router.post("/actions", response={201: ActionOut, **_ERRORS})
def create_action(request: HttpRequest, payload: ActionIn):
    return Status(201, _action(services.action_create(actor=request.user, **payload.dict())))


@router.get("/actions/{action_id}", response={200: ActionOut, **_ERRORS})
def get_action(request: HttpRequest, action_id: int):
    return _action(services.action_get_for_user(action_id=action_id, user=request.user))


@router.post("/actions/{action_id}/progress", response={200: ActionOut, **_ERRORS})
def action_progress(request: HttpRequest, action_id: int, payload: ProgressIn):
    action = services.action_get_for_user(action_id=action_id, user=request.user)
    return _action(services.action_progress(action=action, actor=request.user, **payload.dict()))


@router.get("/actions/{action_id}/effect", response={200: dict, **_ERRORS})
def action_effect(request: HttpRequest, action_id: int, window_days: int = 90):
    action = services.action_get_for_user(action_id=action_id, user=request.user)
    return services.action_effect(action=action, window_days=window_days)


@router.post("/actions/{action_id}/verify", response={200: ActionOut, **_ERRORS})
def action_verify(request: HttpRequest, action_id: int, payload: VerifyIn):
    action = services.action_get_for_user(action_id=action_id, user=request.user)
    data = payload.dict()
    return _action(services.action_verify(action=action, actor=request.user, **data))


def _spot_check(request, check_id) -> SpotCheck:
    services.require_quality_lead(request.user)
    check = SpotCheck.objects.filter(pk=check_id).first()
    if check is None:
        raise NotFound("no such spot check", code="spot_check_not_found")
    return check


def _present_check(check):
    data = {
        k: getattr(check, k)
        for k in ("title", "period_start", "period_end", "size", "population", "seed")
    }
    return {
        "id": check.pk,
        **data,
        "cases": [_checked(c) for c in check.cases.select_related("complaint")],
    }


@router.post("/spot-checks", response={201: SpotCheckOut, **_ERRORS})
def draw_spot_check(request: HttpRequest, payload: SpotCheckIn):
    return Status(
        201, _present_check(services.spot_check_draw(actor=request.user, **payload.dict()))
    )


@router.get("/spot-checks/{check_id}", response={200: SpotCheckOut, **_ERRORS})
def get_spot_check(request: HttpRequest, check_id: int):
    return _present_check(_spot_check(request, check_id))


@router.post("/checked-cases/{checked_id}/review", response={200: CheckedOut, **_ERRORS})
def review_checked_case(request: HttpRequest, checked_id: int, payload: ReviewIn):
    row = (
        CheckedCase.objects.select_related("complaint", "quarterly_review")
        .filter(pk=checked_id)
        .first()
    )
    if row is None:
        raise NotFound("no such case in a check", code="checked_case_not_found")
    reviewed = services.checked_case_review(checked=row, actor=request.user, **payload.dict())
    return _checked(reviewed)


def _quarterly(row):
    return {
        "id": row.pk,
        "manager": _person(row.manager),
        "year": row.year,
        "quarter": row.quarter,
        "cases": row.cases.count(),
        "reviewed": row.cases.filter(reviewed_at__isnull=False).count(),
        "finished_at": row.finished_at,
    }


@router.get("/quarterly-reviews", response={200: list[QuarterlyOut], **_ERRORS})
def list_quarterly(request: HttpRequest, year: int | None = None, quarter: int | None = None):
    rows = QuarterlyReview.objects.select_related("manager")
    if not services.is_quality_lead(request.user):
        rows = rows.filter(manager=request.user)
    if year:
        rows = rows.filter(year=year)
    if quarter:
        rows = rows.filter(quarter=quarter)
    return [_quarterly(r) for r in rows[:500]]


@router.post("/quarterly-reviews/prepare", response={200: list[QuarterlyOut], **_ERRORS})
def prepare_quarterly(request: HttpRequest):
    services.require_quality_lead(request.user)
    return [_quarterly(r) for r in services.quarterly_reviews_prepare(today=timezone.localdate())]


@router.post("/quarterly-reviews/{review_id}/finish", response={200: QuarterlyOut, **_ERRORS})
def finish_quarterly(request: HttpRequest, review_id: int):
    row = QuarterlyReview.objects.filter(pk=review_id).first()
    if row is None:
        raise NotFound("no such review", code="review_not_found")
    return _quarterly(services.quarterly_review_finish(review=row, actor=request.user))


@router.get("/performance", response={200: PerformanceOut, **_ERRORS})
def staff_performance(request: HttpRequest, period: Query[PeriodIn]):
    services.require_quality_lead(request.user)
    staff, departments = perf.performance(user=request.user, start=period.start, end=period.end)
    return {"staff": [vars(r) for r in staff], "departments": [vars(r) for r in departments]}


@router.get("/performance.xlsx", response={200: None, **_ERRORS})
def staff_performance_xlsx(request: HttpRequest, period: Query[PeriodIn]):
    services.require_quality_lead(request.user)
    staff, departments = perf.performance(user=request.user, start=period.start, end=period.end)
    content = perf.performance_xlsx(
        staff=staff, departments=departments, start=period.start, end=period.end
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="performance-{period.start}-{period.end}.xlsx"'
    )
    return response
