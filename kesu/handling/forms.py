"""The workspace's forms for handling steps: each names its step and calls its service."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import OrgUnit, User
from kesu.complaints.workflow import customer_steps
from kesu.core.errors import ApplicationError, Conflict, PermissionDenied
from kesu.handling import rules, services
from kesu.handling.models import (
    Accountability,
    Cause,
    CollaborationTask,
    Compensation,
    Investigation,
    PenaltyLevel,
    Review,
)
from kesu.handling.rules import Step

MAX = settings.KESU_MAX_TEXT_LENGTH


def _text(label, *, required=True, rows=3):
    return forms.CharField(
        label=label, required=required, max_length=MAX, widget=forms.Textarea(attrs={"rows": rows})
    )


class HandlingForm(forms.Form):
    step: str = ""
    label = ""

    def __init__(self, *args, complaint=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.complaint, self.user = complaint, user

    @classmethod
    def offered(cls, complaint, user) -> bool:
        try:
            rules.check_step(
                cls.step,
                status=complaint.status,
                roles=services.complaint_roles_for(user, complaint),
                is_owner=complaint.owner_id == user.pk,
            )
        except (Conflict, PermissionDenied):
            return False
        return True


class InvestigationForm(HandlingForm):
    step, label = Step.INVESTIGATE, rules.STEP_LABELS[Step.INVESTIGATE]
    method = forms.ChoiceField(label=_("method"), choices=Investigation.Method.choices)
    findings = _text(_("findings"))
    investigated_at = forms.DateTimeField(
        label=_("investigated at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def perform(self):
        services.investigation_record(
            complaint=self.complaint, actor=self.user, **self.cleaned_data
        )


class CauseForm(HandlingForm):
    step, label = Step.CAUSE, rules.STEP_LABELS[Step.CAUSE]
    level = forms.ChoiceField(label=_("level"), choices=Cause.Level.choices)
    category = forms.ChoiceField(label=_("cause category"), choices=Cause.Category.choices)
    description = _text(_("description"))

    def perform(self):
        services.cause_record(complaint=self.complaint, actor=self.user, **self.cleaned_data)


class TaskForm(HandlingForm):
    step, label = Step.REQUEST_TASK, rules.STEP_LABELS[Step.REQUEST_TASK]
    org_unit = forms.ModelChoiceField(
        label=_("department"),
        to_field_name="code",
        queryset=OrgUnit.objects.filter(is_active=True, kind=OrgUnit.Kind.DEPARTMENT),
    )
    assignee = forms.ModelChoiceField(
        label=_("owner"),
        to_field_name="username",
        queryset=User.objects.filter(is_active=True, role_assignments__isnull=False).distinct(),
    )
    request = _text(_("what is asked"))
    due_at = forms.DateTimeField(
        label=_("due"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def perform(self):
        data = self.cleaned_data
        services.task_request(
            complaint=self.complaint,
            actor=self.user,
            org_unit=data["org_unit"].code,
            assignee=data["assignee"].username,
            request=data["request"],
            due_at=data["due_at"],
        )


class OverrideForm(HandlingForm):
    step, label = Step.OVERRIDE_TASKS, rules.STEP_LABELS[Step.OVERRIDE_TASKS]
    reason = _text(_("reason"), rows=2)

    @classmethod
    def offered(cls, complaint, user) -> bool:
        return (
            super().offered(complaint, user)
            and complaint.collaboration_tasks.filter(state="open").exists()
        )

    def perform(self):
        services.tasks_override(complaint=self.complaint, actor=self.user, **self.cleaned_data)


class TaskDoneForm(HandlingForm):
    step, label = "task_done", _("Report my task done")
    task = forms.ModelChoiceField(
        label=_("collaboration task"), queryset=CollaborationTask.objects.none()
    )
    result = _text(_("result"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.complaint is not None:
            self.fields["task"].queryset = self.complaint.collaboration_tasks.filter(
                assignee=self.user, state="open"
            )

    @classmethod
    def offered(cls, complaint, user) -> bool:
        return complaint.collaboration_tasks.filter(assignee=user, state="open").exists()

    def perform(self):
        services.task_complete(
            task=self.cleaned_data["task"], actor=self.user, result=self.cleaned_data["result"]
        )


class AdoptionForm(HandlingForm):
    step, label = Step.ADOPTION, rules.STEP_LABELS[Step.ADOPTION]
    adoption = forms.ChoiceField(
        label=_("adoption"),
        choices=[
            ("adopted", _("Adopted")),
            ("partly", _("Partly adopted")),
            ("not_adopted", _("Not adopted")),
            ("under_study", _("Under study")),
        ],
    )
    reason = _text(_("reason"), required=False, rows=2)

    @classmethod
    def offered(cls, complaint, user) -> bool:
        return complaint.kind == "suggestion" and super().offered(complaint, user)

    def perform(self):
        services.suggestion_decide(complaint=self.complaint, actor=self.user, **self.cleaned_data)


class CompensationForm(HandlingForm):
    step, label = Step.COMPENSATE, rules.STEP_LABELS[Step.COMPENSATE]
    kind = forms.ChoiceField(label=_("type"), choices=Compensation.Kind.choices)
    amount = forms.DecimalField(label=_("amount"), min_value=0, max_digits=12, decimal_places=2)

    def perform(self):
        services.compensation_record(complaint=self.complaint, actor=self.user, **self.cleaned_data)


class _OnCompensation(HandlingForm):
    compensation = forms.ModelChoiceField(
        label=_("compensation"), queryset=Compensation.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.complaint is not None:
            self.fields["compensation"].queryset = self.complaint.compensations.filter(
                payment_status="pending"
            )

    @classmethod
    def offered(cls, complaint, user) -> bool:
        return complaint.compensations.filter(
            payment_status="pending"
        ).exists() and super().offered(complaint, user)


class IdentityForm(_OnCompensation):
    step, label = Step.VERIFY_IDENTITY, rules.STEP_LABELS[Step.VERIFY_IDENTITY]
    document_type = forms.ChoiceField(
        label=_("identity document"), choices=Compensation.Document.choices
    )
    number = forms.CharField(label=_("identity number"), max_length=40)

    def perform(self):
        data = dict(self.cleaned_data)
        services.compensation_verify_identity(
            compensation=data.pop("compensation"), actor=self.user, **data
        )


class CompensationConfirmForm(_OnCompensation):
    step, label = Step.CONFIRM_COMPENSATION, rules.STEP_LABELS[Step.CONFIRM_COMPENSATION]
    method = forms.ChoiceField(
        label=_("customer's confirmation"),
        choices=[
            ("phone", _("Recorded phone confirmation")),
            ("signature", _("Signed receipt (image)")),
        ],
    )
    signature = forms.IntegerField(
        label=_("signed receipt (attachment number)"), required=False, min_value=1
    )

    def perform(self):
        data = dict(self.cleaned_data)
        services.compensation_confirm(
            compensation=data.pop("compensation"), actor=self.user, **data
        )


class PayForm(_OnCompensation):
    step, label = Step.PAY, rules.STEP_LABELS[Step.PAY]
    reference = forms.CharField(label=_("payment reference"), max_length=100, required=False)

    def perform(self):
        services.compensation_pay(
            compensation=self.cleaned_data["compensation"],
            actor=self.user,
            reference=self.cleaned_data["reference"],
        )


class AccountabilityForm(HandlingForm):
    step, label = Step.ACCOUNTABILITY, rules.STEP_LABELS[Step.ACCOUNTABILITY]
    is_justified = forms.TypedChoiceField(
        label=_("justified complaint (有效投诉)"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[("yes", _("justified")), ("no", _("not justified"))],
    )
    responsible_party = forms.ChoiceField(
        label=_("responsible party"), choices=Accountability.Party.choices
    )
    staff = forms.ModelMultipleChoiceField(
        label=_("staff responsible"),
        required=False,
        to_field_name="username",
        queryset=User.objects.filter(is_active=True, role_assignments__isnull=False).distinct(),
    )
    penalty = forms.ModelChoiceField(
        label=_("penalty"),
        required=False,
        to_field_name="name",
        queryset=PenaltyLevel.objects.filter(is_active=True),
    )
    note = _text(_("reasons"), required=False, rows=2)

    def perform(self):
        data = self.cleaned_data
        services.accountability_record(
            complaint=self.complaint,
            actor=self.user,
            is_justified=data["is_justified"],
            responsible_party=data["responsible_party"],
            staff=[u.username for u in data["staff"]],
            penalty=data["penalty"].name if data["penalty"] else None,
            note=data["note"],
        )


class AccountabilityApproveForm(HandlingForm):
    step, label = Step.APPROVE_ACCOUNTABILITY, rules.STEP_LABELS[Step.APPROVE_ACCOUNTABILITY]

    @classmethod
    def offered(cls, complaint, user) -> bool:
        finding = getattr(complaint, "accountability", None)
        return (
            finding is not None
            and finding.approved_at is None
            and finding.recorded_by_id != user.pk
            and super().offered(complaint, user)
        )

    def perform(self):
        services.accountability_approve(complaint=self.complaint, actor=self.user)


class ReviewForm(HandlingForm):
    step, label = "review", _("Record the review")
    review = forms.ModelChoiceField(label=_("review"), queryset=Review.objects.none())
    outcome = forms.ChoiceField(label=_("outcome"), choices=Review.Outcome.choices)
    finding = _text(_("finding"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.complaint is not None:
            self.fields["review"].queryset = self.complaint.reviews.filter(decided_at__isnull=True)

    @classmethod
    def offered(cls, complaint, user) -> bool:
        return complaint.reviews.filter(decided_at__isnull=True, reviewer=user).exists()

    def perform(self):
        data = dict(self.cleaned_data)
        services.review_decide(review=data.pop("review"), actor=self.user, **data)


class CustomerResponseForm(HandlingForm):
    """What the customer said of the answer, taken down by phone or at the counter."""

    step, label = "customer_response", _("Record the customer's response")
    decision = forms.ChoiceField(
        label=_("customer's response to the answer"),
        choices=[("confirm", _("Confirmed")), ("dispute", _("Disputed"))],
    )
    review = forms.BooleanField(label=_("asks for a review by the level above"), required=False)
    text = _text(_("what the customer said"), required=False, rows=2)

    @classmethod
    def offered(cls, complaint, user) -> bool:
        steps = customer_steps(
            status=complaint.status,
            has_responded=bool(complaint.customer_response),
            has_rated=complaint.rated_at is not None,
        )
        roles = services.complaint_roles_for(user, complaint)
        return "confirm" in steps and bool(roles & {"agent", "complaint_manager", "supervisor"})

    def perform(self):
        data = self.cleaned_data
        if data["decision"] == "confirm":
            services.customer_confirm_record(
                complaint=self.complaint, actor=self.user, comment=data["text"]
            )
        else:
            services.customer_dispute_record(
                complaint=self.complaint,
                actor=self.user,
                reason=data["text"],
                review=data["review"],
            )


HANDLING_FORMS: dict[str, type[HandlingForm]] = {
    f"h-{form.step}": form
    for form in (
        InvestigationForm,
        CauseForm,
        TaskForm,
        TaskDoneForm,
        OverrideForm,
        AdoptionForm,
        CompensationForm,
        IdentityForm,
        CompensationConfirmForm,
        PayForm,
        ReviewForm,
        CustomerResponseForm,
        AccountabilityForm,
        AccountabilityApproveForm,
    )
}


def handling_offered(complaint, user) -> list[tuple[str, str, HandlingForm]]:
    """The handling steps this user may take on the case now, each with a blank form."""
    return [
        (key, str(form.label), form(complaint=complaint, user=user))
        for key, form in HANDLING_FORMS.items()
        if form.offered(complaint, user)
    ]


__all__ = ["HANDLING_FORMS", "ApplicationError", "handling_offered"]
