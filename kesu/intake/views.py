"""Staff pages for intake: the mail queue (quarantined messages made into cases or dismissed)
and the referral batch upload. Thin: parse, call a service, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kesu.complaints.forms import show_refusal
from kesu.complaints.models import Category
from kesu.complaints.workflow import KIND_LABELS
from kesu.core.errors import ApplicationError
from kesu.intake.access import require_intake_worker
from kesu.intake.models import InboundEmail
from kesu.intake.referrals import FIELDS, referrals_import
from kesu.intake.services import inbound_email_convert, inbound_email_dismiss

MAX = 10_000


class ConvertForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("kind"), choices=[(k.value, v) for k, v in KIND_LABELS.items()]
    )
    contact_name = forms.CharField(label=gettext_lazy("complainant name"), max_length=100)
    contact_email = forms.CharField(
        label=gettext_lazy("complainant email"), max_length=254, required=False
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("complainant phone"), max_length=30, required=False
    )
    description = forms.CharField(
        label=gettext_lazy("description"), max_length=MAX, widget=forms.Textarea(attrs={"rows": 8})
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("category"),
        required=False,
        to_field_name="code",
        queryset=Category.objects.filter(is_active=True, parent__isnull=False),
    )


class DismissForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("why no case is needed"), max_length=200)


class ReferralUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or xlsx file"))
    source_org = forms.CharField(
        label=gettext_lazy("referred by (when the file has no such column)"),
        max_length=100,
        required=False,
    )
    mapping = forms.CharField(
        label=gettext_lazy("column mapping (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "contact_phone=来电号码"}),
        help_text=gettext_lazy("One per line: field=column header. Fields: %(fields)s.")
        % {"fields": ", ".join(FIELDS)},
    )

    def clean_mapping(self) -> dict[str, str]:
        mapping = {}
        for line in self.cleaned_data["mapping"].splitlines():
            if not line.strip():
                continue
            name, sep, header = line.partition("=")
            if not sep or not name.strip() or not header.strip():
                raise forms.ValidationError(
                    _("“%(line)s” is not field=column.") % {"line": line.strip()}
                )
            mapping[name.strip()] = header.strip()
        return mapping


@login_required
@require_GET
def mail_queue(request: HttpRequest) -> HttpResponse:
    require_intake_worker(request.user)
    state = request.GET.get("state", InboundEmail.State.QUARANTINED)
    if state not in InboundEmail.State.values:
        state = InboundEmail.State.QUARANTINED
    rows = InboundEmail.objects.filter(state=state).select_related("complaint")[:200]
    counts = {s: InboundEmail.objects.filter(state=s).count() for s in InboundEmail.State.values}
    return render(
        request,
        "intake/mail_queue.html",
        {
            "section": "intake",
            "rows": rows,
            "state": state,
            "states": [(s, label, counts[s]) for s, label in InboundEmail.State.choices],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mail_detail(request: HttpRequest, email_id: int) -> HttpResponse:
    require_intake_worker(request.user)
    row = get_object_or_404(InboundEmail, pk=email_id)
    convert = ConvertForm(
        request.POST if "convert" in request.POST else None,
        initial={
            "kind": "complaint",
            "contact_name": row.sender.partition("@")[0],
            "contact_email": row.sender,
            "description": "\n\n".join(p for p in (row.subject, row.text) if p),
        },
    )
    dismiss = DismissForm(request.POST if "dismiss" in request.POST else None)
    status = 200
    if request.method == "POST":
        status = 422
        try:
            if "convert" in request.POST and convert.is_valid():
                data = dict(convert.cleaned_data)
                data["category"] = data["category"].code if data["category"] else None
                complaint = inbound_email_convert(email=row, actor=request.user, **data)
                messages.success(
                    request, _("Registered %(number)s.") % {"number": complaint.number}
                )
                return redirect("complaint-detail", number=complaint.number)
            if "dismiss" in request.POST and dismiss.is_valid():
                inbound_email_dismiss(
                    email=row, actor=request.user, reason=dismiss.cleaned_data["reason"]
                )
                messages.success(request, _("Dismissed; the email is kept."))
                return redirect("intake-mail")
        except ApplicationError as error:
            show_refusal(convert if "convert" in request.POST else dismiss, error)
            status = 409 if error.code == "email_handled" else 422
    return render(
        request,
        "intake/mail_detail.html",
        {"section": "intake", "row": row, "convert": convert, "dismiss": dismiss},
        status=status,
    )


@login_required
@require_GET
def mail_raw(request: HttpRequest, email_id: int) -> HttpResponse:
    """The message exactly as it arrived, to open in a mail program."""
    require_intake_worker(request.user)
    row = get_object_or_404(InboundEmail, pk=email_id)
    return FileResponse(
        row.raw.open("rb"),
        content_type="message/rfc822",
        as_attachment=True,
        filename=f"kesu-mail-{row.pk}.eml",
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_upload(request: HttpRequest) -> HttpResponse:
    require_intake_worker(request.user)
    form = ReferralUploadForm(request.POST or None, request.FILES or None)
    report, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = referrals_import(
                    actor=request.user,
                    content=upload.read(),
                    filename=upload.name,
                    source_org=form.cleaned_data["source_org"],
                    mapping=form.cleaned_data["mapping"],
                )
                status = 200
            except ApplicationError as error:
                show_refusal(form, error)
    return render(
        request,
        "intake/referrals.html",
        {"section": "intake", "form": form, "report": report},
        status=status,
    )
