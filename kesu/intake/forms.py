"""Forms of the customer portal and of the intake pages staff use."""

from __future__ import annotations

import random

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from kesu.complaints.attachments import sniff_type
from kesu.complaints.models import Category
from kesu.complaints.workflow import KIND_LABELS
from kesu.customers.contacts import normalize_email, normalize_phone

MAX = settings.KESU_MAX_TEXT_LENGTH
_CHALLENGE_SALT = "kesu.portal.challenge"
_CHALLENGE_AGE = 2 * 3600


def new_challenge() -> tuple[str, str]:
    """A sum a person answers at a glance: (question, signed token)."""
    a, b = random.randint(1, 9), random.randint(1, 9)
    return f"{a} + {b}", signing.dumps([a, b], salt=_CHALLENGE_SALT)


def _challenge_answer(token: str) -> int | None:
    try:
        a, b = signing.loads(token, salt=_CHALLENGE_SALT, max_age=_CHALLENGE_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return a + b


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Up to KESU_PORTAL_MAX_FILES photos, PDFs, recordings or videos, judged by content."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > settings.KESU_PORTAL_MAX_FILES:
            raise forms.ValidationError(
                _("At most %(count)s files.") % {"count": settings.KESU_PORTAL_MAX_FILES}
            )
        limit = settings.KESU_MAX_UPLOAD_BYTES
        for upload in files:
            super().clean(upload, initial)
            if upload.size > limit:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(mb)s MB.")
                    % {"name": upload.name, "mb": limit // (1024 * 1024)}
                )
            head = upload.read(8192)
            upload.seek(0)
            if sniff_type(head) is None:
                raise forms.ValidationError(
                    _("%(name)s is not a photo, PDF, recording or video.") % {"name": upload.name}
                )
        return files


def _leaf_label(category: Category) -> str:
    return f"{category.parent.name} · {category.name}" if category.parent else category.name


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _leaf_label(obj)


class PortalSubmitForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What would you like to send?"),
        choices=[(k.value, v) for k, v in KIND_LABELS.items()],
        initial="complaint",
        widget=forms.RadioSelect,
    )
    category = CategoryChoiceField(
        label=_("What is it about? (optional)"),
        required=False,
        to_field_name="code",
        queryset=Category.objects.filter(is_active=True, parent__isnull=False).select_related(
            "parent"
        ),
        empty_label=_("I am not sure"),
    )
    description = forms.CharField(
        label=_("What happened?"), max_length=MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    demands = forms.CharField(
        label=_("What would you like us to do?"),
        max_length=MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    incident_at = forms.DateTimeField(
        label=_("When did it happen?"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    incident_place = forms.CharField(label=_("Where?"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Your name"), max_length=100)
    contact_phone = forms.CharField(
        label=_("Mobile"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    files = EvidenceField(
        label=_("Photos, documents, recordings or videos (up to 5)"), required=False
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my details are kept as it says.")
    )
    # A field people never see: only a robot fills it in.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    challenge = forms.CharField(widget=forms.HiddenInput)
    answer = forms.IntegerField(label=_("Check"))

    def clean_contact_phone(self):
        try:
            return normalize_phone(self.cleaned_data["contact_phone"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_contact_email(self):
        try:
            return normalize_email(self.cleaned_data["contact_email"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(
                _("The form could not be accepted. Please reload the page and try again."),
                code="honeypot",
            )
        expected = _challenge_answer(data.get("challenge", ""))
        if expected is None or data.get("answer") != expected:
            self.add_error("answer", _("The answer is not right; try the new sum."))
        if not data.get("contact_phone") and not data.get("contact_email"):
            raise forms.ValidationError(
                _("Give a mobile number or an email address, so that we can answer you.")
            )
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "category": data["category"].code if data["category"] else None,
            "description": data["description"],
            "demands": data["demands"],
            "incident_at": data["incident_at"],
            "incident_place": data["incident_place"],
            "contact_name": data["contact_name"],
            "contact_phone": data["contact_phone"],
            "contact_email": data["contact_email"],
        }


class TrackForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=32)
    last_digits = forms.CharField(
        label=_("Last 4 digits of your mobile"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    code = forms.CharField(
        label=_("Or the code we emailed you"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()


class AddInformationForm(forms.Form):
    text = forms.CharField(
        label=_("What would you like to add?"),
        max_length=MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = EvidenceField(label=_("Files (up to 5)"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("text") and not data.get("files"):
            raise forms.ValidationError(_("Write something or attach a file."))
        return data


class ResponseForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", _("I accept the answer")), ("dispute", _("I disagree"))]
    )
    review = forms.BooleanField(label=_("I ask for a review by the level above"), required=False)
    text = forms.CharField(
        label=_("Comment (needed when you disagree)"),
        max_length=MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "dispute" and not (data.get("text") or "").strip():
            self.add_error("text", _("Tell us what you disagree with."))
        return data


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did we handle it?"),
        coerce=int,
        choices=[(5, "5"), (4, "4"), (3, "3"), (2, "2"), (1, "1")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
