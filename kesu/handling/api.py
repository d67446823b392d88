"""/api/v1 handling endpoints: thin, parse, call one service, present."""

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from kesu.complaints import presenters as case_presenters
from kesu.complaints.schemas import ComplaintDetailOut, ErrorOut
from kesu.complaints.selectors import complaint_get_for_user
from kesu.complaints.services import complaint_answer_at_once
from kesu.core.errors import NotFound, PermissionDenied
from kesu.handling import presenters, services
from kesu.handling.models import Compensation, Review
from kesu.handling.pdf import handling_form_pdf
from kesu.handling.schemas import (
    AccountabilityIn,
    AccountabilityOut,
    AdoptionIn,
    AnswerAtOnceIn,
    ApprovalOut,
    CauseIn,
    CauseOut,
    CompensationConfirmIn,
    CompensationIn,
    CompensationOut,
    ConfirmIn,
    DisputeIn,
    IdentityIn,
    InvestigationIn,
    InvestigationOut,
    MeasureOut,
    PayIn,
    ReasonIn,
    ReviewDecideIn,
    ReviewOut,
    TaskDoneIn,
    TaskIn,
    TaskOut,
)

router = Router(tags=["handling"])
_ERRORS = {code: ErrorOut for code in (401, 403, 404, 409, 422)}


def _case(request, number):
    return complaint_get_for_user(number=number, user=request.user)


def _detail(request, complaint):
    return case_presenters.complaint_detail(complaint, user=request.user)


def _versioned(payload):
    data = payload.dict()
    return data, data.pop("version", None)


# --- investigation, causes -------------------------------------------------------------


@router.post("/complaints/{number}/investigations", response={201: InvestigationOut, **_ERRORS})
def record_investigation(request: HttpRequest, number: str, payload: InvestigationIn):
    data, version = _versioned(payload)
    row = services.investigation_record(
        complaint=_case(request, number), actor=request.user, expected_version=version, **data
    )
    return Status(201, presenters.investigation(row))


@router.get(
    "/complaints/{number}/investigations", response={200: list[InvestigationOut], **_ERRORS}
)
def list_investigations(request: HttpRequest, number: str):
    rows = _case(request, number).investigations.select_related("investigator")
    return [presenters.investigation(r) for r in rows.prefetch_related("evidence")]


@router.post("/complaints/{number}/causes", response={201: CauseOut, **_ERRORS})
def record_cause(request: HttpRequest, number: str, payload: CauseIn):
    data, version = _versioned(payload)
    row = services.cause_record(
        complaint=_case(request, number), actor=request.user, expected_version=version, **data
    )
    return Status(201, presenters.cause(row))


@router.get("/complaints/{number}/causes", response={200: list[CauseOut], **_ERRORS})
def list_causes(request: HttpRequest, number: str):
    return [
        presenters.cause(r) for r in _case(request, number).causes.select_related("recorded_by")
    ]


# --- collaboration tasks ------------------------------------------------------------------


@router.post("/complaints/{number}/tasks", response={201: TaskOut, **_ERRORS})
def request_task(request: HttpRequest, number: str, payload: TaskIn):
    data, version = _versioned(payload)
    row = services.task_request(
        complaint=_case(request, number), actor=request.user, expected_version=version, **data
    )
    return Status(201, presenters.task(row))


@router.get("/complaints/{number}/tasks", response={200: list[TaskOut], **_ERRORS})
def list_tasks(request: HttpRequest, number: str):
    rows = _case(request, number).collaboration_tasks.select_related(
        "org_unit", "assignee", "complaint"
    )
    return [presenters.task(r) for r in rows]


@router.post("/complaints/{number}/tasks/override", response={200: ComplaintDetailOut, **_ERRORS})
def override_tasks(request: HttpRequest, number: str, payload: ReasonIn):
    data, version = _versioned(payload)
    complaint = _case(request, number)
    services.tasks_override(
        complaint=complaint, actor=request.user, reason=data["reason"], expected_version=version
    )
    complaint.refresh_from_db()
    return _detail(request, complaint)


@router.get("/tasks", response={200: list[TaskOut], **_ERRORS}, tags=["handling"])
def my_tasks(request: HttpRequest):
    """The collaboration tasks you owe, open first."""
    rows = request.user.collaboration_tasks.select_related("org_unit", "assignee", "complaint")
    return [presenters.task(r) for r in rows.order_by("state", "due_at")]


@router.post("/tasks/{task_id}/done", response={200: TaskOut, **_ERRORS})
def task_done(request: HttpRequest, task_id: int, payload: TaskDoneIn):
    task = services.task_get_for_user(task_id=task_id, user=request.user)
    row = services.task_complete(task=task, actor=request.user, result=payload.result)
    return presenters.task(row)


# --- approvals, reviews, the customer's response ----------------------------------------------


@router.get("/complaints/{number}/approvals", response={200: list[ApprovalOut], **_ERRORS})
def list_approvals(request: HttpRequest, number: str):
    rows = _case(request, number).approvals.select_related("approver", "decided_by")
    return [presenters.approval(r) for r in rows]


@router.get("/complaints/{number}/measures", response={200: list[MeasureOut], **_ERRORS})
def list_measures(request: HttpRequest, number: str):
    return [presenters.measure(r) for r in _case(request, number).measures.all()]


@router.post("/complaints/{number}/confirm", response={200: ComplaintDetailOut, **_ERRORS})
def confirm_answer(request: HttpRequest, number: str, payload: ConfirmIn):
    complaint = services.customer_confirm_record(
        complaint=_case(request, number), actor=request.user, comment=payload.comment
    )
    return _detail(request, complaint)


@router.post("/complaints/{number}/dispute", response={200: ComplaintDetailOut, **_ERRORS})
def dispute_answer(request: HttpRequest, number: str, payload: DisputeIn):
    complaint = services.customer_dispute_record(
        complaint=_case(request, number),
        actor=request.user,
        reason=payload.reason,
        review=payload.review,
    )
    return _detail(request, complaint)


@router.get("/complaints/{number}/reviews", response={200: list[ReviewOut], **_ERRORS})
def list_reviews(request: HttpRequest, number: str):
    return [presenters.review(r) for r in _case(request, number).reviews.select_related("reviewer")]


@router.post("/reviews/{review_id}/decide", response={200: ReviewOut, **_ERRORS})
def decide_review(request: HttpRequest, review_id: int, payload: ReviewDecideIn):
    review = Review.objects.filter(pk=review_id).select_related("complaint").first()
    if review is None:
        raise NotFound("no such review", code="review_not_found")
    _case(request, review.complaint.number)
    row = services.review_decide(
        review=review, actor=request.user, outcome=payload.outcome, finding=payload.finding
    )
    return presenters.review(row)


@router.post("/complaints/{number}/adoption", response={200: ComplaintDetailOut, **_ERRORS})
def decide_adoption(request: HttpRequest, number: str, payload: AdoptionIn):
    data, version = _versioned(payload)
    complaint = services.suggestion_decide(
        complaint=_case(request, number), actor=request.user, expected_version=version, **data
    )
    return _detail(request, complaint)


@router.post("/complaints/{number}/answer-at-once", response={200: ComplaintDetailOut, **_ERRORS})
def answer_at_once(request: HttpRequest, number: str, payload: AnswerAtOnceIn):
    """首问负责制: an inquiry accepted, answered and closed by the agent in one step."""
    complaint = complaint_answer_at_once(
        complaint=_case(request, number), actor=request.user, answer=payload.answer
    )
    return _detail(request, complaint)


# --- compensation --------------------------------------------------------------------------


def _compensation(request, compensation_id: int) -> Compensation:
    row = Compensation.objects.filter(pk=compensation_id).select_related("complaint").first()
    if row is None:
        raise NotFound("no such compensation", code="compensation_not_found")
    _case(request, row.complaint.number)
    return row


def _present(request, row):
    return presenters.compensation(row, full_id=services.can_see_identity_number(request.user))


@router.post("/complaints/{number}/compensations", response={201: CompensationOut, **_ERRORS})
def record_compensation(request: HttpRequest, number: str, payload: CompensationIn):
    data, version = _versioned(payload)
    row = services.compensation_record(
        complaint=_case(request, number), actor=request.user, expected_version=version, **data
    )
    return Status(201, _present(request, row))


@router.get("/complaints/{number}/compensations", response={200: list[CompensationOut], **_ERRORS})
def list_compensations(request: HttpRequest, number: str):
    return [_present(request, r) for r in _case(request, number).compensations.all()]


@router.post("/compensations/{compensation_id}/verify", response={200: CompensationOut, **_ERRORS})
def verify_identity(request: HttpRequest, compensation_id: int, payload: IdentityIn):
    row = services.compensation_verify_identity(
        compensation=_compensation(request, compensation_id), actor=request.user, **payload.dict()
    )
    return _present(request, row)


@router.post("/compensations/{compensation_id}/confirm", response={200: CompensationOut, **_ERRORS})
def confirm_compensation(
    request: HttpRequest, compensation_id: int, payload: CompensationConfirmIn
):
    row = services.compensation_confirm(
        compensation=_compensation(request, compensation_id), actor=request.user, **payload.dict()
    )
    return _present(request, row)


@router.post("/compensations/{compensation_id}/pay", response={200: CompensationOut, **_ERRORS})
def pay_compensation(request: HttpRequest, compensation_id: int, payload: PayIn):
    row = services.compensation_pay(
        compensation=_compensation(request, compensation_id),
        actor=request.user,
        reference=payload.reference,
    )
    return _present(request, row)


# --- accountability ----------------------------------------------------------------------------


def _readable(request, number):
    complaint = _case(request, number)
    if not services.can_read_accountability(request.user, complaint):
        raise PermissionDenied("Only quality managers and supervisors see responsibility findings.")
    return complaint


@router.get("/complaints/{number}/accountability", response={200: AccountabilityOut, **_ERRORS})
def get_accountability(request: HttpRequest, number: str):
    complaint = _readable(request, number)
    row = getattr(complaint, "accountability", None)
    if row is None:
        raise NotFound("no responsibility finding yet", code="no_finding")
    return presenters.accountability(row)


@router.put("/complaints/{number}/accountability", response={200: AccountabilityOut, **_ERRORS})
def put_accountability(request: HttpRequest, number: str, payload: AccountabilityIn):
    data, version = _versioned(payload)
    row = services.accountability_record(
        complaint=_readable(request, number), actor=request.user, expected_version=version, **data
    )
    return presenters.accountability(row)


@router.post(
    "/complaints/{number}/accountability/approve", response={200: AccountabilityOut, **_ERRORS}
)
def approve_accountability(request: HttpRequest, number: str):
    row = services.accountability_approve(complaint=_readable(request, number), actor=request.user)
    return presenters.accountability(row)


# --- the handling form -------------------------------------------------------------------------


@router.get(
    "/complaints/{number}/handling-form.pdf",
    response={200: None, **_ERRORS},
    openapi_extra={"responses": {"200": {"description": "投诉处理单 (PDF)"}}},
)
def handling_form(request: HttpRequest, number: str):
    complaint = _case(request, number)
    content = handling_form_pdf(complaint, user=request.user)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{complaint.number}.pdf"'
    return response
