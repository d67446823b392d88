"""Per-operation input and output schemas of the complaints API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.conf import settings
from ninja import Field, Schema
from pydantic import AwareDatetime, ConfigDict

from kesu.complaints.models import Channel, Risk, Severity, SpecialFlag
from kesu.complaints.workflow import Kind, Status

MAX_TEXT = settings.KESU_MAX_TEXT_LENGTH

KindName = Literal[tuple(k.value for k in Kind)]  # type: ignore[valid-type]
StatusName = Literal[tuple(s.value for s in Status)]  # type: ignore[valid-type]
ChannelName = Literal[tuple(Channel.values)]  # type: ignore[valid-type]
SeverityName = Literal[tuple(Severity.values)]  # type: ignore[valid-type]
RiskName = Literal[tuple(Risk.values)]  # type: ignore[valid-type]
FlagName = Literal[tuple(SpecialFlag.values)]  # type: ignore[valid-type]


class StrictIn(Schema):
    # An unknown field is an error, not silently dropped: a typo must not lose data.
    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    error: str
    detail: str
    fields: dict[str, str]


# --- complaints --------------------------------------------------------------------------------


class ContactIn(StrictIn):
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)


class ComplaintCreateIn(StrictIn):
    kind: KindName
    channel: ChannelName
    complainant: ContactIn
    description: str = Field(min_length=1, max_length=MAX_TEXT)
    demands: str = Field("", max_length=MAX_TEXT)
    category: str | None = Field(None, max_length=20, description="category code, e.g. A01")
    severity: SeverityName | None = None
    risk: RiskName | None = None
    received_at: AwareDatetime | None = Field(
        None, description="when it really arrived, if earlier than now (a letter, a referral)"
    )
    service_item: str = Field("", max_length=200)
    staff_involved: str = Field("", max_length=200)
    incident_at: AwareDatetime | None = None
    incident_place: str = Field("", max_length=200)
    amount_involved: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    special_flags: list[FlagName] = Field(default_factory=list, max_length=10)
    intake_unit: str | None = Field(None, max_length=40, description="org unit code")
    language: Literal["zh-hans", "en"] = Field(
        "zh-hans", description="the customer's language: messages to them use it"
    )
    source_org: str = Field(
        "", max_length=100, description="a referral's source: 12345, 12315, a regulator …"
    )
    source_reference: str = Field(
        "", max_length=100, description="the source's reference; one case per reference"
    )
    source_due_at: AwareDatetime | None = Field(None, description="the source's own deadline")


class ComplaintUpdateIn(StrictIn):
    category: str | None = Field(None, max_length=20)
    severity: SeverityName | None = None
    risk: RiskName | None = None
    received_at: AwareDatetime | None = None
    service_item: str | None = Field(None, max_length=200)
    staff_involved: str | None = Field(None, max_length=200)
    incident_at: AwareDatetime | None = None
    incident_place: str | None = Field(None, max_length=200)
    description: str | None = Field(None, min_length=1, max_length=MAX_TEXT)
    demands: str | None = Field(None, max_length=MAX_TEXT)
    amount_involved: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    special_flags: list[FlagName] | None = Field(None, max_length=10)
    version: int | None = Field(None, ge=1, description="the version you saw; 409 if it moved on")


class ComplaintFilterIn(Schema):
    status: StatusName | None = None
    kind: KindName | None = None
    category: str | None = Field(None, max_length=20)
    severity: SeverityName | None = None
    risk: RiskName | None = None
    org_unit: str | None = Field(None, max_length=40)
    owner: str | None = Field(None, max_length=150)
    channel: ChannelName | None = None
    received_from: dt.datetime | None = None
    received_to: dt.datetime | None = None
    q: str | None = Field(None, max_length=100)
    overdue: bool | None = Field(None, description="true: the running deadline has passed")
    at_risk: bool | None = Field(None, description="true: most of the time is used, not yet due")
    due_before: dt.datetime | None = Field(None, description="the running deadline is before")
    sort: Literal["received", "-received", "deadline"] = Field(
        "-received", description="newest first (default), oldest first, or nearest deadline"
    )


class CodeNameOut(Schema):
    code: str
    name: str


class PersonOut(Schema):
    username: str
    name: str


class ContactOut(Schema):
    name: str
    phone: str
    email: str
    customer_id: int


class DeadlineOut(Schema):
    due: dt.datetime | None
    policy: str | None
    met: bool | None


class LimitOut(Schema):
    amount: int
    unit: str


class PendingExtensionOut(LimitOut):
    reason: str
    requested_by: str


class DeadlinesOut(Schema):
    response: DeadlineOut
    resolution: DeadlineOut
    revisit: DeadlineOut
    at_risk_at: dt.datetime | None
    is_awaiting_customer: bool
    is_filed_late: bool | None
    extended_to: LimitOut | None
    pending_extension: PendingExtensionOut | None


class ComplaintListItemOut(Schema):
    number: str
    kind: str
    channel: str
    status: str
    received_at: dt.datetime
    complainant: ContactOut
    category: CodeNameOut | None
    severity: str
    risk: str
    org_unit: CodeNameOut | None
    owner: PersonOut | None
    escalation_level: int
    next_due_at: dt.datetime | None
    next_due_target: str
    time_state: str


class ComplaintDetailOut(ComplaintListItemOut):
    version: int
    intake_unit: CodeNameOut
    registered_by: PersonOut | None
    service_item: str
    staff_involved: str
    incident_at: dt.datetime | None
    incident_place: str
    description: str
    demands: str
    amount_involved: Decimal | None
    special_flags: list[str]
    solution: str
    answer: str
    is_customer_satisfied: bool | None
    satisfaction: int | None
    accepted_at: dt.datetime | None
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None
    allowed_actions: list[str]
    response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    revisit_due: dt.datetime | None
    deadlines: DeadlinesOut
    language: str
    source_org: str
    source_reference: str
    source_due_at: dt.datetime | None
    customer_response: str
    customer_responded_at: dt.datetime | None
    customer_rating: int | None
    customer_rating_comment: str
    repeat_of: str | None
    adoption: str
    revisit_method: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by: PersonOut | None
    is_public: bool
    url: str


class TimelineEventOut(Schema):
    sequence: int
    type: str
    label: str
    at: dt.datetime
    actor: PersonOut | None
    is_public: bool
    from_status: str
    to_status: str
    message: str
    data: dict


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    parent: str | None
    preset: str


# --- actions: each has its own input --------------------------------------------------------


class ActionIn(StrictIn):
    version: int | None = Field(None, ge=1, description="the version you saw; 409 if it moved on")


class NoteOptionalIn(ActionIn):
    note: str = Field("", max_length=MAX_TEXT)


class ReasonIn(ActionIn):
    reason: str = Field(min_length=1, max_length=MAX_TEXT)


class AssignIn(ActionIn):
    assignee: str = Field(min_length=1, max_length=150, description="username of the new owner")
    org_unit: str = Field(min_length=1, max_length=40, description="code of the responsible unit")
    category: str | None = Field(None, max_length=20, description="classify in the same step")
    note: str = Field("", max_length=MAX_TEXT)


MeasureName = Literal[
    "apology",
    "explanation",
    "repair",
    "replacement",
    "refund",
    "compensation",
    "service_suspension",
    "other",
]


class MeasureIn(StrictIn):
    kind: MeasureName
    amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    note: str = Field("", max_length=500)


class ProposeIn(ActionIn):
    solution: str = Field(
        min_length=1, max_length=MAX_TEXT, description="the text for the customer"
    )
    measures: list[MeasureIn] | None = Field(
        None,
        max_length=20,
        description="refunds and compensation need an amount; their sum decides who approves",
    )


class ApproveIn(ActionIn):
    comment: str = Field("", max_length=MAX_TEXT)


class AnswerIn(ActionIn):
    answer: str = Field(min_length=1, max_length=MAX_TEXT, description="what will be done")
    findings: str = Field(
        "", max_length=MAX_TEXT, description="what was found; the investigations' when empty"
    )


class FollowUpIn(ActionIn):
    note: str = Field(min_length=1, max_length=MAX_TEXT)
    satisfaction: int | None = Field(
        None,
        ge=1,
        le=5,
        description="5 very satisfied … 1 very dissatisfied; 3+ closes, 1–2 reopen",
    )
    is_satisfied: bool | None = Field(None, description="when no 1–5 rating was given")
    method: Literal["phone", "sms", "email", "visit", "portal"] = "phone"
    reached: bool = Field(True, description="false: the customer could not be reached")


class CloseIn(ActionIn):
    reason: str = Field("", max_length=MAX_TEXT)


class PauseIn(ActionIn):
    reason: str = Field(min_length=1, max_length=MAX_TEXT, description="what the customer is asked")


class ResumeIn(ActionIn):
    note: str = Field("", max_length=MAX_TEXT)


UnitName = Literal["minutes", "hours", "days", "working_hours", "working_days"]


class ExtendIn(ActionIn):
    reason: str = Field(min_length=1, max_length=MAX_TEXT)
    amount: int = Field(ge=1, le=1000, description="the new resolution limit")
    unit: UnitName


class DecideExtensionIn(ActionIn):
    approve: bool
    note: str = Field("", max_length=MAX_TEXT)


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    complaint: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class NoteIn(ActionIn):
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    is_public: bool = False
