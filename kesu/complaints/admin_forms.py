"""Forms of the admin's complaint pages; they collect input and hand it to the services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kesu.complaints.forms import RegisterForm
from kesu.complaints.presets import PRESETS
from kesu.complaints.workflow import ACTION_LABELS, Action, action_payload
from kesu.deadlines.models import UNIT_CHOICES


class ComplaintReceiveForm(RegisterForm):
    """The workspace's registration form, plus the real receipt time of a late registration."""

    received_at = forms.DateTimeField(
        label=_("received at"),
        required=False,
        help_text=_("Only when it arrived earlier than now, e.g. 2026-11-20 09:30."),
    )


class ComplaintActionForm(forms.Form):
    action = forms.ChoiceField(label=_("action"))
    text = forms.CharField(
        label=_("reason, solution, answer or note"),
        widget=forms.Textarea,
        required=False,
        max_length=settings.KESU_MAX_TEXT_LENGTH,
    )
    assignee = forms.CharField(label=_("assignee (username)"), max_length=150, required=False)
    org_unit = forms.CharField(label=_("responsible unit (code)"), max_length=40, required=False)
    is_satisfied = forms.NullBooleanField(label=_("customer satisfied"), required=False)
    satisfaction = forms.IntegerField(
        label=_("satisfaction (1–5)"), min_value=1, max_value=5, required=False
    )
    is_public = forms.BooleanField(label=_("visible to the customer"), required=False)
    amount = forms.IntegerField(
        label=_("new resolution limit"), min_value=1, max_value=1000, required=False
    )
    unit = forms.ChoiceField(label=_("unit"), choices=[("", "—"), *UNIT_CHOICES], required=False)
    approve = forms.NullBooleanField(label=_("approve the extension"), required=False)

    def __init__(self, *args, actions: list[Action], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a.value, ACTION_LABELS[a]) for a in actions]

    def payload(self) -> tuple[Action, dict]:
        """The action and the payload its service takes, from what was filled in."""
        action = Action(self.cleaned_data["action"])
        data = self.cleaned_data
        return action, action_payload(
            action,
            text=data["text"],
            assignee=data["assignee"],
            org_unit=data["org_unit"],
            is_satisfied=data["is_satisfied"],
            satisfaction=data["satisfaction"],
            is_public=data["is_public"],
            amount=data["amount"],
            unit=data["unit"] or None,
            approve=data["approve"],
        )


class PresetLoadForm(forms.Form):
    preset = forms.ChoiceField(
        label=_("preset"),
        choices=[(name, f"{name} · {title}") for name, (title, _tree) in PRESETS.items()],
    )
