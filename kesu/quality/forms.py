"""The workspace's forms for the improvement loop."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import OrgUnit, User
from kesu.complaints.models import Category
from kesu.quality.models import CorrectiveAction
from kesu.quality.performance import COLUMNS, RANKINGS

MAX = settings.KESU_MAX_TEXT_LENGTH


def _text(label, *, required=True, rows=3):
    return forms.CharField(
        label=label, required=required, max_length=MAX, widget=forms.Textarea(attrs={"rows": rows})
    )


_DATE = forms.DateInput(attrs={"type": "date"})


class ActionForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=CorrectiveAction.Kind.choices)
    complaints = forms.CharField(
        label=_("cases (numbers, separated by spaces)"), required=False, max_length=2000
    )
    category = forms.ModelChoiceField(
        label=_("category"),
        required=False,
        to_field_name="code",
        queryset=Category.objects.filter(is_active=True),
    )
    org_unit = forms.ModelChoiceField(
        label=_("org unit"),
        required=False,
        to_field_name="code",
        queryset=OrgUnit.objects.filter(is_active=True),
    )
    root_cause = _text(_("root cause"))
    measures = _text(_("planned measures"))
    owner = forms.ModelChoiceField(
        label=_("owner"),
        to_field_name="username",
        queryset=User.objects.filter(is_active=True, role_assignments__isnull=False).distinct(),
    )
    due_date = forms.DateField(label=_("due"), widget=_DATE)

    def arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["complaints"] = data["complaints"].split()
        data["category"] = data["category"].code if data["category"] else None
        data["org_unit"] = data["org_unit"].code if data["org_unit"] else None
        data["owner"] = data["owner"].username
        return data


class ProgressForm(forms.Form):
    state = forms.ChoiceField(
        label=_("state"), choices=[("in_progress", _("In progress")), ("done", _("Done"))]
    )
    evidence = _text(_("evidence of the effect"), required=False)


class VerifyForm(forms.Form):
    effective = forms.TypedChoiceField(
        label=_("verdict"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Verified effective")), ("no", _("Verified not effective"))],
    )
    evidence = _text(_("evidence of the effect"))
    window_days = forms.IntegerField(
        label=_("window (days)"), min_value=7, max_value=730, initial=90
    )
    follow_up_measures = _text(_("follow-up action: measures (when not effective)"), required=False)
    follow_up_due = forms.DateField(label=_("follow-up action: due"), required=False, widget=_DATE)

    def clean(self):
        data = super().clean()
        if data.get("follow_up_measures") and not data.get("follow_up_due"):
            self.add_error("follow_up_due", _("Give the follow-up action a due date."))
        return data

    def arguments(self) -> dict:
        data = self.cleaned_data
        follow_up = None
        if not data["effective"] and data["follow_up_measures"]:
            follow_up = {"measures": data["follow_up_measures"], "due_date": data["follow_up_due"]}
        return {
            "effective": data["effective"],
            "evidence": data["evidence"],
            "window_days": data["window_days"],
            "follow_up": follow_up,
        }


class SpotCheckForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    period_start = forms.DateField(label=_("closed from"), widget=_DATE)
    period_end = forms.DateField(label=_("closed until"), widget=_DATE)
    org_unit = forms.ModelChoiceField(
        label=_("org unit"),
        required=False,
        to_field_name="code",
        queryset=OrgUnit.objects.filter(is_active=True),
    )
    category = forms.ModelChoiceField(
        label=_("category"),
        required=False,
        to_field_name="code",
        queryset=Category.objects.filter(is_active=True, parent__isnull=True),
    )
    size = forms.IntegerField(label=_("sample size"), required=False, min_value=1, max_value=10000)
    percent = forms.FloatField(
        label=_("or a percentage"), required=False, min_value=0.1, max_value=100
    )
    seed = forms.IntegerField(label=_("seed (to repeat a draw)"), required=False, min_value=0)

    def arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["org_unit"] = data["org_unit"].code if data["org_unit"] else None
        data["category"] = data["category"].code if data["category"] else None
        return data


class CheckReviewForm(forms.Form):
    """The checklist's questions become yes/no boxes; a failed case may be reopened or given
    an action."""

    findings = _text(_("findings"), required=False, rows=2)
    reopen = forms.BooleanField(label=_("reopen the case if it fails"), required=False)
    open_action = forms.BooleanField(
        label=_("open a corrective action if it fails"), required=False
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.BooleanField(label=item.text, required=False)
        # the questions first
        order = [f"item_{item.pk}" for item in self.items] + ["findings", "reopen", "open_action"]
        self.order_fields(order)

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "answers": {str(item.pk): data[f"item_{item.pk}"] for item in self.items},
            "findings": data["findings"],
            "reopen": data["reopen"],
            "open_action": data["open_action"],
        }


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("from"), widget=_DATE)
    end = forms.DateField(label=_("until"), widget=_DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class LeagueForm(PeriodForm):
    rank = forms.ChoiceField(
        label=_("rank by"),
        required=False,
        choices=[(key, label) for key, label in COLUMNS if key in RANKINGS],
    )
