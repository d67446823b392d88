"""/api/v1/complaints: thin endpoints that parse, call one service, and present."""

from django.http import HttpRequest
from ninja import File, Form, Header, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from kesu.complaints import presenters
from kesu.complaints.downloads import attachment_response
from kesu.complaints.schemas import (
    AnswerIn,
    ApproveIn,
    AssignIn,
    AttachmentOut,
    CategoryOut,
    CloseIn,
    ComplaintCreateIn,
    ComplaintDetailOut,
    ComplaintFilterIn,
    ComplaintListItemOut,
    ComplaintUpdateIn,
    DecideExtensionIn,
    ErrorOut,
    ExtendIn,
    FollowUpIn,
    NoteIn,
    NoteOptionalIn,
    PauseIn,
    ProposeIn,
    ReasonIn,
    ResumeIn,
    TimelineEventOut,
)
from kesu.complaints.selectors import (
    ComplaintFilters,
    category_list_active,
    complaint_get_for_user,
    complaint_list_for_user,
    complaint_timeline,
)
from kesu.complaints.services import (
    complaint_attach,
    complaint_perform,
    complaint_receive,
    complaint_update,
)
from kesu.complaints.workflow import Action
from kesu.core.errors import NotFound
from kesu.intake.services import complaint_receive_once

router = Router(tags=["complaints"])

_ERRORS = {code: ErrorOut for code in (401, 403, 404, 409, 422)}
_DETAIL = {200: ComplaintDetailOut, **_ERRORS}


@router.post("/complaints", response={200: ComplaintDetailOut, 201: ComplaintDetailOut, **_ERRORS})
def create_complaint(
    request: HttpRequest,
    payload: ComplaintCreateIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        description="a retry with the same key returns the same case (200), never a second one",
    ),
):
    data = payload.dict()
    contact = data.pop("complainant")
    arguments = {
        "contact_name": contact["name"],
        "contact_phone": contact["phone"],
        "contact_email": contact["email"],
        **data,
    }
    if idempotency_key is None:
        complaint = complaint_receive(actor=request.user, **arguments)
        return Status(201, presenters.complaint_detail(complaint, user=request.user))
    complaint, made_now = complaint_receive_once(
        key=idempotency_key, actor=request.user, arguments=arguments
    )
    return Status(
        201 if made_now else 200, presenters.complaint_detail(complaint, user=request.user)
    )


@router.get("/complaints/{number}/attachments", response={200: list[AttachmentOut], **_ERRORS})
def list_attachments(request: HttpRequest, number: str):
    complaint = complaint_get_for_user(number=number, user=request.user)
    return [
        presenters.attachment(row)
        for row in complaint.attachments.select_related("uploaded_by", "complaint")
    ]


@router.post("/complaints/{number}/attachments", response={201: AttachmentOut, **_ERRORS})
def upload_attachment(
    request: HttpRequest, number: str, file: File[UploadedFile], is_public: Form[bool] = False
):
    complaint = complaint_get_for_user(number=number, user=request.user)
    row = complaint_attach(
        complaint=complaint, actor=request.user, upload=file, is_public=is_public
    )
    return Status(201, presenters.attachment(row))


@router.get(
    "/complaints/{number}/attachments/{attachment_id}",
    response={200: None, **_ERRORS},
    openapi_extra={"responses": {"200": {"description": "the file itself"}}},
)
def download_attachment(request: HttpRequest, number: str, attachment_id: int):
    complaint = complaint_get_for_user(number=number, user=request.user)
    row = complaint.attachments.filter(pk=attachment_id).first()
    if row is None:
        raise NotFound("no such attachment", code="attachment_not_found")
    return attachment_response(row, inline_images=False)


@router.get("/complaints", response=list[ComplaintListItemOut])
@paginate(PageNumberPagination, page_size=50)
def list_complaints(request: HttpRequest, filters: Query[ComplaintFilterIn]):
    queryset = complaint_list_for_user(
        user=request.user, filters=ComplaintFilters(**filters.dict())
    )
    return _PresentedQuerySet(queryset)


class _PresentedQuerySet:
    """Lets the paginator slice and count in SQL, presenting only the page it keeps."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        return [presenters.complaint_list_item(c) for c in self.queryset[key]]


@router.get("/complaints/{number}", response=_DETAIL)
def get_complaint(request: HttpRequest, number: str):
    complaint = complaint_get_for_user(number=number, user=request.user)
    return presenters.complaint_detail(complaint, user=request.user)


@router.patch("/complaints/{number}", response=_DETAIL)
def update_complaint(request: HttpRequest, number: str, payload: ComplaintUpdateIn):
    complaint = complaint_get_for_user(number=number, user=request.user)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    complaint = complaint_update(
        complaint=complaint, actor=request.user, changes=changes, expected_version=version
    )
    return presenters.complaint_detail(complaint, user=request.user)


@router.get("/complaints/{number}/timeline", response={200: list[TimelineEventOut], **_ERRORS})
def get_timeline(request: HttpRequest, number: str):
    complaint = complaint_get_for_user(number=number, user=request.user)
    return [
        presenters.timeline_event(event)
        for event in complaint_timeline(complaint=complaint, user=request.user)
    ]


def _act(request: HttpRequest, number: str, action: Action, payload) -> dict:
    complaint = complaint_get_for_user(number=number, user=request.user)
    data = payload.dict()
    version = data.pop("version", None)
    complaint = complaint_perform(
        complaint=complaint,
        actor=request.user,
        action=action,
        payload=data,
        expected_version=version,
    )
    return presenters.complaint_detail(complaint, user=request.user)


@router.post("/complaints/{number}/accept", response=_DETAIL)
def accept_complaint(request: HttpRequest, number: str, payload: NoteOptionalIn):
    return _act(request, number, Action.ACCEPT, payload)


@router.post("/complaints/{number}/reject", response=_DETAIL)
def reject_complaint(request: HttpRequest, number: str, payload: ReasonIn):
    return _act(request, number, Action.REJECT, payload)


@router.post("/complaints/{number}/assign", response=_DETAIL)
def assign_complaint(request: HttpRequest, number: str, payload: AssignIn):
    return _act(request, number, Action.ASSIGN, payload)


@router.post("/complaints/{number}/start", response=_DETAIL)
def start_complaint(request: HttpRequest, number: str, payload: NoteOptionalIn):
    return _act(request, number, Action.START, payload)


@router.post("/complaints/{number}/propose", response=_DETAIL)
def propose_solution(request: HttpRequest, number: str, payload: ProposeIn):
    return _act(request, number, Action.PROPOSE, payload)


@router.post("/complaints/{number}/approve", response=_DETAIL)
def approve_solution(request: HttpRequest, number: str, payload: ApproveIn):
    return _act(request, number, Action.APPROVE, payload)


@router.post("/complaints/{number}/return", response=_DETAIL)
def return_solution(request: HttpRequest, number: str, payload: ReasonIn):
    return _act(request, number, Action.RETURN, payload)


@router.post("/complaints/{number}/answer", response=_DETAIL)
def answer_complaint(request: HttpRequest, number: str, payload: AnswerIn):
    return _act(request, number, Action.ANSWER, payload)


@router.post("/complaints/{number}/follow-up", response=_DETAIL)
def follow_up_complaint(request: HttpRequest, number: str, payload: FollowUpIn):
    return _act(request, number, Action.FOLLOW_UP, payload)


@router.post("/complaints/{number}/close", response=_DETAIL)
def close_complaint(request: HttpRequest, number: str, payload: CloseIn):
    return _act(request, number, Action.CLOSE, payload)


@router.post("/complaints/{number}/reopen", response=_DETAIL)
def reopen_complaint(request: HttpRequest, number: str, payload: ReasonIn):
    return _act(request, number, Action.REOPEN, payload)


@router.post("/complaints/{number}/escalate", response=_DETAIL)
def escalate_complaint(request: HttpRequest, number: str, payload: ReasonIn):
    return _act(request, number, Action.ESCALATE, payload)


@router.post("/complaints/{number}/notes", response={201: ComplaintDetailOut, **_ERRORS})
def add_note(request: HttpRequest, number: str, payload: NoteIn):
    return Status(201, _act(request, number, Action.NOTE, payload))


@router.post("/complaints/{number}/pause", response=_DETAIL)
def pause_complaint(request: HttpRequest, number: str, payload: PauseIn):
    return _act(request, number, Action.PAUSE, payload)


@router.post("/complaints/{number}/resume", response=_DETAIL)
def resume_complaint(request: HttpRequest, number: str, payload: ResumeIn):
    return _act(request, number, Action.RESUME, payload)


@router.post("/complaints/{number}/extend", response=_DETAIL)
def request_extension(request: HttpRequest, number: str, payload: ExtendIn):
    return _act(request, number, Action.EXTEND, payload)


@router.post("/complaints/{number}/decide-extension", response=_DETAIL)
def decide_extension(request: HttpRequest, number: str, payload: DecideExtensionIn):
    return _act(request, number, Action.DECIDE_EXTENSION, payload)


@router.get("/categories", response=list[CategoryOut], tags=["categories"])
def list_categories(request: HttpRequest):
    return [
        {
            "code": c.code,
            "name": c.name,
            "name_en": c.name_en,
            "parent": c.parent.code if c.parent else None,
            "preset": c.preset,
        }
        for c in category_list_active()
    ]
