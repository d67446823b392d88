"""The workspace's forms: one per action, each naming the fields its service takes."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import OrgUnit, User
from kesu.complaints.models import Category, Channel, Risk, Severity, SpecialFlag
from kesu.complaints.selectors import ComplaintFilters
from kesu.complaints.workflow import KIND_LABELS, STATUS_LABELS, Action
from kesu.deadlines.models import UNIT_CHOICES

MAX = settings.KESU_MAX_TEXT_LENGTH


# The services name contact fields as the API does ("complainant.phone"); forms name them flat.
# The admin's one-box action form also takes every action's text in one field.
_SERVICE_FIELD_TO_FORM = {
    "complainant.name": "contact_name",
    "complainant.phone": "contact_phone",
    "complainant.email": "contact_email",
}


def show_refusal(form: forms.Form, error, *, aliases: dict[str, str] | None = None) -> None:
    """Put a refused step on its form: the reason on top, each field's message beside it."""
    form.add_error(None, error.detail)
    names = {**_SERVICE_FIELD_TO_FORM, **(aliases or {})}
    for field, message in error.fields.items():
        name = names.get(field, field)
        if name in form.fields:
            form.add_error(name, message)


def _text(label, *, required=True, rows=3):
    return forms.CharField(
        label=label, required=required, max_length=MAX, widget=forms.Textarea(attrs={"rows": rows})
    )


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("any")), *((s.value, label) for s, label in STATUS_LABELS.items())],
    )
    kind = forms.ChoiceField(
        label=_("kind"),
        required=False,
        choices=[("", _("any")), *((k.value, label) for k, label in KIND_LABELS.items())],
    )
    category = forms.ModelChoiceField(
        label=_("category"),
        required=False,
        to_field_name="code",
        queryset=Category.objects.filter(is_active=True, parent__isnull=True),
    )
    severity = forms.ChoiceField(
        label=_("severity"), required=False, choices=[("", _("any")), *Severity.choices]
    )
    risk = forms.ChoiceField(
        label=_("risk"), required=False, choices=[("", _("any")), *Risk.choices]
    )
    channel = forms.ChoiceField(
        label=_("channel"), required=False, choices=[("", _("any")), *Channel.choices]
    )
    org_unit = forms.ModelChoiceField(
        label=_("org unit"), required=False, to_field_name="code", queryset=OrgUnit.objects.all()
    )
    owner = forms.CharField(label=_("owner (username)"), required=False, max_length=150)
    received_from = forms.DateField(
        label=_("received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label=_("sort"),
        required=False,
        choices=[
            ("deadline", _("nearest deadline")),
            ("-received", _("newest")),
            ("received", _("oldest")),
        ],
    )

    def filters(self, *, zone) -> ComplaintFilters:
        import datetime as dt

        data = self.cleaned_data

        def day_start(day, plus=0):
            return (
                dt.datetime.combine(day + dt.timedelta(days=plus), dt.time(0), tzinfo=zone)
                if day
                else None
            )

        return ComplaintFilters(
            status=data["status"] or None,
            kind=data["kind"] or None,
            category=data["category"].code if data["category"] else None,
            severity=data["severity"] or None,
            risk=data["risk"] or None,
            org_unit=data["org_unit"].code if data["org_unit"] else None,
            owner=data["owner"] or None,
            channel=data["channel"] or None,
            received_from=day_start(data["received_from"]),
            received_to=day_start(data["received_to"], plus=1),
            q=data["q"] or None,
            sort=data["sort"] or "deadline",
        )


class RegisterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"), choices=[(k.value, v) for k, v in KIND_LABELS.items()]
    )
    channel = forms.ChoiceField(
        label=_("channel"),
        initial=Channel.PHONE,
        choices=[
            (Channel.PHONE.value, Channel.PHONE.label),
            (Channel.WALK_IN.value, Channel.WALK_IN.label),
            *[
                (c, label)
                for c, label in Channel.choices
                if c not in (Channel.PHONE, Channel.WALK_IN)
            ],
        ],
    )
    contact_phone = forms.CharField(label=_("complainant phone"), max_length=30, required=False)
    contact_name = forms.CharField(label=_("complainant name"), max_length=100)
    contact_email = forms.CharField(label=_("complainant email"), max_length=254, required=False)
    description = _text(_("description"), rows=4)
    demands = _text(_("demands"), required=False, rows=2)
    category = forms.ModelChoiceField(
        label=_("category"),
        required=False,
        to_field_name="code",
        queryset=Category.objects.filter(is_active=True, parent__isnull=False),
    )
    severity = forms.ChoiceField(
        label=_("severity"), choices=Severity.choices, initial=Severity.GENERAL
    )
    risk = forms.ChoiceField(label=_("risk"), choices=Risk.choices, initial=Risk.LOW)
    service_item = forms.CharField(label=_("service item"), max_length=200, required=False)
    incident_place = forms.CharField(label=_("incident place"), max_length=200, required=False)
    special_flags = forms.MultipleChoiceField(
        label=_("special customer flags"),
        choices=SpecialFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    received_at = forms.DateTimeField(
        label=_("really received at (if earlier than now)"),
        required=False,
        help_text=_(
            "先行处理，再补办记录: an emergency handled first and registered afterwards, "
            "or a letter opened days later. Your name is on the timeline with it."
        ),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    source_org = forms.CharField(
        label=_("referred by (consumer association, regulator, 12345, 12315 …)"),
        max_length=100,
        required=False,
    )
    source_reference = forms.CharField(
        label=_("referrer's reference"), max_length=100, required=False
    )
    source_due_at = forms.DateTimeField(
        label=_("referrer's deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["category"] = data["category"].code if data["category"] else None
        return data


class ClassifyForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("category"),
        to_field_name="code",
        queryset=Category.objects.filter(is_active=True, parent__isnull=False),
    )
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices)
    risk = forms.ChoiceField(label=_("risk"), choices=Risk.choices)

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "category": data["category"].code,
            "severity": data["severity"],
            "risk": data["risk"],
        }


class EditRecordForm(forms.Form):
    """The record as the customer told it, corrected or completed by staff."""

    service_item = forms.CharField(label=_("service item"), max_length=200, required=False)
    staff_involved = forms.CharField(label=_("staff involved"), max_length=200, required=False)
    incident_place = forms.CharField(label=_("incident place"), max_length=200, required=False)
    description = _text(_("description"), rows=4)
    demands = _text(_("demands"), required=False, rows=2)
    amount_involved = forms.DecimalField(
        label=_("amount involved"), required=False, min_value=0, max_digits=14, decimal_places=2
    )

    def changes(self) -> dict:
        return dict(self.cleaned_data)


class AttachForm(forms.Form):
    file = forms.FileField(label=_("file"))
    is_public = forms.BooleanField(label=_("visible to the customer"), required=False)


class AssignForm(forms.Form):
    org_unit = forms.ModelChoiceField(
        label=_("responsible unit"),
        to_field_name="code",
        queryset=OrgUnit.objects.filter(is_active=True),
    )
    assignee = forms.ModelChoiceField(
        label=_("owner"),
        to_field_name="username",
        queryset=User.objects.filter(is_active=True, role_assignments__isnull=False).distinct(),
    )
    note = _text(_("note"), required=False, rows=2)

    def payload(self) -> dict:
        data = self.cleaned_data
        return {"assignee": data["assignee"], "org_unit": data["org_unit"], "note": data["note"]}


def _simple(field_name: str, label, *, required=True):
    class Form(forms.Form):
        def payload(self) -> dict:
            return dict(self.cleaned_data)

    Form.base_fields[field_name] = _text(label, required=required)
    return Form


class FollowUpForm(forms.Form):
    """回访: 5 very satisfied … 1 very dissatisfied; 3 or more closes the case, 1–2 reopen it."""

    note = _text(_("what the customer said"))
    method = forms.ChoiceField(
        label=_("revisit method"),
        choices=[
            ("phone", _("Phone")),
            ("sms", _("SMS")),
            ("email", _("Email")),
            ("visit", _("Visit")),
            ("portal", _("Online portal")),
        ],
    )
    reached = forms.TypedChoiceField(
        label=_("customer reached"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        initial="yes",
        choices=[("yes", _("reached")), ("no", _("not reached, try again later"))],
    )
    satisfaction = forms.TypedChoiceField(
        label=_("satisfaction (1–5)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", "—"),
            ("5", _("5 very satisfied")),
            ("4", _("4 satisfied")),
            ("3", _("3 neutral")),
            ("2", _("2 dissatisfied")),
            ("1", _("1 very dissatisfied")),
        ],
    )

    def payload(self) -> dict:
        return dict(self.cleaned_data)


class NoteForm(forms.Form):
    text = _text(_("note"))
    is_public = forms.BooleanField(label=_("visible to the customer"), required=False)

    def payload(self) -> dict:
        return dict(self.cleaned_data)


class ExtendForm(forms.Form):
    amount = forms.IntegerField(label=_("new resolution limit"), min_value=1, max_value=1000)
    unit = forms.ChoiceField(label=_("unit"), choices=UNIT_CHOICES)
    reason = _text(_("reason"))

    def payload(self) -> dict:
        return dict(self.cleaned_data)


class DecideExtensionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("decision"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[("yes", _("approve")), ("no", _("refuse"))],
    )
    note = _text(_("decision note"), required=False, rows=2)

    def payload(self) -> dict:
        return dict(self.cleaned_data)


class ProposeForm(forms.Form):
    """处理方案: the text for the customer and the measures; the money decides who approves."""

    solution = _text(_("proposed solution"))
    measures = forms.MultipleChoiceField(
        label=_("measures"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("apology", _("Apology")),
            ("explanation", _("Explanation")),
            ("repair", _("Repair")),
            ("replacement", _("Replacement")),
            ("service_suspension", _("Service suspension")),
        ],
    )
    refund = forms.DecimalField(
        label=_("refund (amount)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    compensation = forms.DecimalField(
        label=_("compensation (amount)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )

    def payload(self) -> dict:
        data = self.cleaned_data
        measures = [{"kind": kind} for kind in data["measures"]]
        for kind in ("refund", "compensation"):
            if data[kind] is not None:
                measures.append({"kind": kind, "amount": data[kind]})
        return {"solution": data["solution"], "measures": measures or None}


class AnswerForm(forms.Form):
    answer = _text(_("what will be done"))
    findings = _text(_("what was found (the investigations' findings when empty)"), required=False)

    def payload(self) -> dict:
        return dict(self.cleaned_data)


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "classify": ClassifyForm,
    "edit": EditRecordForm,
    Action.ACCEPT: _simple("note", _("note"), required=False),
    Action.REJECT: _simple("reason", _("reason")),
    Action.ASSIGN: AssignForm,
    Action.START: _simple("note", _("note"), required=False),
    Action.PROPOSE: ProposeForm,
    Action.APPROVE: _simple("comment", _("comment"), required=False),
    Action.RETURN: _simple("reason", _("reason")),
    Action.ANSWER: AnswerForm,
    Action.FOLLOW_UP: FollowUpForm,
    Action.CLOSE: _simple("reason", _("reason"), required=False),
    Action.REOPEN: _simple("reason", _("reason")),
    Action.ESCALATE: _simple("reason", _("reason")),
    Action.NOTE: NoteForm,
    Action.PAUSE: _simple("reason", _("what the customer is asked for")),
    Action.RESUME: _simple("note", _("what the customer provided"), required=False),
    Action.EXTEND: ExtendForm,
    Action.DECIDE_EXTENSION: DecideExtensionForm,
}
