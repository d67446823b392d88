"""Input and output schemas of the handling API."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.conf import settings
from ninja import Field, Schema
from pydantic import AwareDatetime

from kesu.complaints.schemas import PersonOut, StrictIn

MAX = settings.KESU_MAX_TEXT_LENGTH


class Versioned(StrictIn):
    version: int | None = Field(None, ge=1, description="the version you saw; 409 if it moved on")


class InvestigationIn(Versioned):
    method: Literal["information", "on_site", "interview", "documents"]
    findings: str = Field(min_length=1, max_length=MAX)
    investigator: str | None = Field(None, max_length=150, description="username; you if empty")
    investigated_at: AwareDatetime | None = None
    evidence: list[int] = Field(default_factory=list, max_length=50, description="attachment ids")


class InvestigationOut(Schema):
    id: int
    method: str
    method_label: str
    investigator: PersonOut
    investigated_at: dt.datetime
    findings: str
    evidence: list[int]
    recorded_at: dt.datetime


class CauseIn(Versioned):
    level: Literal["direct", "indirect", "root"]
    category: Literal[
        "people", "process", "product", "policy", "environment", "customer", "third_party"
    ]
    description: str = Field(min_length=1, max_length=MAX)


class CauseOut(Schema):
    id: int
    level: str
    category: str
    category_label: str
    description: str
    recorded_by: PersonOut | None
    recorded_at: dt.datetime


class TaskIn(Versioned):
    org_unit: str = Field(max_length=40)
    assignee: str = Field(max_length=150)
    request: str = Field(min_length=1, max_length=MAX)
    due_at: AwareDatetime


class TaskDoneIn(StrictIn):
    result: str = Field(min_length=1, max_length=MAX)


class ReasonIn(Versioned):
    reason: str = Field(min_length=1, max_length=MAX)


class TaskOut(Schema):
    id: int
    complaint: str
    org_unit: str
    assignee: PersonOut
    request: str
    due_at: dt.datetime
    state: str
    result: str
    created_at: dt.datetime
    done_at: dt.datetime | None


class ApprovalOut(Schema):
    round: int
    amount: Decimal
    level: str
    level_label: str
    approver: PersonOut | None
    routing: str
    state: str
    comment: str
    decided_by: PersonOut | None
    decided_at: dt.datetime | None


class MeasureOut(Schema):
    round: int
    kind: str
    label: str
    amount: Decimal | None
    note: str


class DisputeIn(StrictIn):
    reason: str = Field(min_length=1, max_length=MAX)
    review: bool = Field(False, description="the customer asks for a review by the level above")


class ConfirmIn(StrictIn):
    comment: str = Field("", max_length=MAX)


class ReviewOut(Schema):
    id: int
    reason: str
    reviewer: PersonOut | None
    routing: str
    requested_at: dt.datetime
    outcome: str
    finding: str
    decided_at: dt.datetime | None


class ReviewDecideIn(StrictIn):
    outcome: Literal["upheld", "revised"]
    finding: str = Field(min_length=1, max_length=MAX)


class CompensationIn(Versioned):
    kind: Literal["cash", "refund", "voucher", "goods", "service", "other"]
    amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2)


class IdentityIn(StrictIn):
    document_type: Literal[
        "resident_id", "passport", "hk_macao_permit", "taiwan_permit", "foreign_permanent", "other"
    ]
    number: str = Field(min_length=1, max_length=40)


class CompensationConfirmIn(StrictIn):
    method: Literal["signature", "phone"]
    signature: int | None = Field(None, description="the attachment id of the signed receipt")


class PayIn(StrictIn):
    reference: str = Field("", max_length=100)


class CompensationOut(Schema):
    id: int
    kind: str
    amount: Decimal
    payment_status: str
    id_document_type: str
    id_number: str = Field(description="masked unless you may see identity numbers")
    verified_by: PersonOut | None
    verified_at: dt.datetime | None
    confirmation_method: str
    confirmed_at: dt.datetime | None
    confirmed_by_agent: PersonOut | None
    paid_at: dt.datetime | None
    payment_reference: str


class AccountabilityIn(Versioned):
    is_justified: bool
    responsible_party: Literal["company", "department", "staff", "customer", "third_party", "none"]
    staff: list[str] = Field(default_factory=list, max_length=20, description="usernames")
    penalty: str | None = Field(None, max_length=50, description="a name from the penalty table")
    note: str = Field("", max_length=MAX)


class AccountabilityOut(Schema):
    is_justified: bool
    responsible_party: str
    staff: list[PersonOut]
    penalty: str | None
    penalty_amount: Decimal | None
    note: str
    recorded_by: PersonOut | None
    recorded_at: dt.datetime
    approved_by: PersonOut | None
    approved_at: dt.datetime | None


class AdoptionIn(Versioned):
    adoption: Literal["adopted", "partly", "not_adopted", "under_study"]
    reason: str = Field("", max_length=MAX)


class AnswerAtOnceIn(StrictIn):
    answer: str = Field(min_length=1, max_length=MAX)
