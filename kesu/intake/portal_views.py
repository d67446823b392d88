"""The customer portal: no sign-in. Submit a case; follow it with its number and a check of
the contact; add to it, confirm or dispute the answer, rate the handling.

Access to a case is granted for this browser session only, after the check passes.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesu.complaints.downloads import attachment_response
from kesu.complaints.models import Channel, Complaint, ComplaintEvent
from kesu.complaints.services import (
    complaint_attach,
    complaint_customer_add,
    complaint_customer_confirm,
    complaint_customer_dispute,
    complaint_customer_rate,
    complaint_receive,
)
from kesu.complaints.workflow import CustomerStep, customer_steps
from kesu.core.errors import ApplicationError, RateLimited
from kesu.core.masking import mask_email, mask_phone
from kesu.handling.services import compensation_confirm_by_customer
from kesu.intake.forms import (
    AddInformationForm,
    PortalSubmitForm,
    RatingForm,
    ResponseForm,
    TrackForm,
    new_challenge,
)
from kesu.intake.services import (
    portal_check_submit_allowed,
    portal_open_by_code,
    portal_open_by_phone,
    portal_send_code,
)

PRIVACY_NOTICE_VERSION = "2026-11"
_ACCESS_KEY = "portal_cases"
ACCESS_FOR = dt.timedelta(hours=2)


def _ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _grant(request: HttpRequest, complaint: Complaint) -> None:
    cases = request.session.get(_ACCESS_KEY, {})
    cases[complaint.number] = (timezone.now() + ACCESS_FOR).timestamp()
    request.session[_ACCESS_KEY] = cases
    request.session.cycle_key()


def _granted(request: HttpRequest, number: str) -> Complaint | None:
    expiry = request.session.get(_ACCESS_KEY, {}).get(number)
    if expiry is None or expiry < timezone.now().timestamp():
        return None
    return Complaint.objects.filter(number=number).first()


def _render(request, template, context, status=200):
    return render(
        request,
        template,
        {"portal": True, "firm_name": settings.KESU_FIRM_NAME, **context},
        status=status,
    )


@require_GET
def portal_home(request: HttpRequest) -> HttpResponse:
    return _render(request, "portal/home.html", {})


@require_GET
def portal_privacy(request: HttpRequest) -> HttpResponse:
    return _render(
        request,
        "portal/privacy.html",
        {"years": settings.KESU_RETENTION_YEARS, "version": PRIVACY_NOTICE_VERSION},
    )


def _submit_page(request, form, status=200):
    question, token = new_challenge()
    return _render(
        request,
        "portal/submit.html",
        {"form": form, "question": question, "challenge_token": token},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def portal_submit(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _submit_page(request, PortalSubmitForm())
    form = PortalSubmitForm(request.POST, request.FILES)
    if not form.is_valid():
        return _submit_page(request, form, status=422)
    arguments = form.service_arguments()
    try:
        portal_check_submit_allowed(
            ip=_ip(request), phone=arguments["contact_phone"], email=arguments["contact_email"]
        )
        with transaction.atomic():
            complaint = complaint_receive(
                actor=None,
                channel=Channel.PORTAL,
                language=translation.get_language() or settings.LANGUAGE_CODE,
                extra={"privacy_notice": PRIVACY_NOTICE_VERSION},
                **arguments,
            )
            for upload in form.cleaned_data["files"]:
                complaint_attach(complaint=complaint, actor=None, upload=upload, is_public=True)
    except RateLimited as error:
        form.add_error(None, error.detail)
        return _submit_page(request, form, status=429)
    except ApplicationError as error:
        form.add_error(None, error.detail)
        for field, message in error.fields.items():
            name = {"complainant.phone": "contact_phone", "complainant.email": "contact_email"}.get(
                field, field
            )
            if name in form.fields:
                form.add_error(name, message)
        return _submit_page(request, form, status=422)
    _grant(request, complaint)
    return redirect("portal-submitted", number=complaint.number)


@require_GET
def portal_submitted(request: HttpRequest, number: str) -> HttpResponse:
    complaint = _granted(request, number)
    if complaint is None:
        return redirect("portal-track")
    return _render(request, "portal/submitted.html", {"complaint": complaint})


@require_http_methods(["GET", "POST"])
def portal_track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None, initial={"number": request.GET.get("number", "")})
    status = 200
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"]
        try:
            if "send_code" in request.POST:
                portal_send_code(number=number, ip=_ip(request))
                return _render(
                    request,
                    "portal/track.html",
                    {"form": TrackForm(initial={"number": number}), "code_sent": True},
                )
            if form.cleaned_data["code"]:
                complaint = portal_open_by_code(
                    number=number, code=form.cleaned_data["code"], ip=_ip(request)
                )
            else:
                complaint = portal_open_by_phone(
                    number=number, last_digits=form.cleaned_data["last_digits"], ip=_ip(request)
                )
        except RateLimited as error:
            form.add_error(None, error.detail)
            status = 429
        except ApplicationError as error:
            form.add_error(None, error.detail)
            status = 404
        else:
            _grant(request, complaint)
            return redirect("portal-case", number=complaint.number)
    elif request.method == "POST":
        status = 422
    return _render(request, "portal/track.html", {"form": form}, status=status)


# What the customer sees of each public step, in their words, never staff names.
def _public_timeline(complaint: Complaint) -> list[dict]:
    rows = []
    for event in complaint.events.filter(is_public=True).order_by("sequence"):
        rows.append(
            {
                "at": event.created_at,
                "label": event.get_type_display(),
                "message": event.message
                if event.type
                in {
                    ComplaintEvent.Type.REJECTED,
                    ComplaintEvent.Type.ANSWERED,
                    ComplaintEvent.Type.PAUSED,
                    ComplaintEvent.Type.NOTE_ADDED,
                    ComplaintEvent.Type.CUSTOMER_ADDED,
                    ComplaintEvent.Type.CUSTOMER_DISPUTED,
                    ComplaintEvent.Type.CUSTOMER_CONFIRMED,
                    ComplaintEvent.Type.CUSTOMER_RATED,
                }
                else "",
                "by_customer": event.actor_id is None and event.type.startswith("customer_"),
            }
        )
    return rows


def _case_page(request, complaint, *, forms=None, status=200):
    steps = customer_steps(
        status=complaint.status,
        has_responded=bool(complaint.customer_response),
        has_rated=complaint.rated_at is not None,
    )
    context = {
        "complaint": complaint,
        "timeline": _public_timeline(complaint),
        "files": complaint.attachments.filter(is_public=True),
        "compensations": complaint.compensations.filter(payment_status="pending"),
        "steps": steps,
        "add_form": AddInformationForm(),
        "response_form": ResponseForm(),
        "rating_form": RatingForm(),
        "masked_phone": mask_phone(complaint.contact_phone),
        "masked_email": mask_email(complaint.contact_email),
        **(forms or {}),
    }
    return _render(request, "portal/case.html", context, status=status)


def _granted_or_redirect(request, number):
    complaint = _granted(request, number)
    if complaint is None:
        return None, redirect(f"{reverse('portal-track')}?number={number}")
    return complaint, None


@require_GET
def portal_case(request: HttpRequest, number: str) -> HttpResponse:
    complaint, away = _granted_or_redirect(request, number)
    return away or _case_page(request, complaint)


@require_POST
def portal_case_step(request: HttpRequest, number: str, step: str) -> HttpResponse:
    complaint, away = _granted_or_redirect(request, number)
    if away:
        return away
    forms, form, done = {}, None, ""
    try:
        if step == CustomerStep.ADD:
            form = forms["add_form"] = AddInformationForm(request.POST, request.FILES)
            if form.is_valid():
                complaint_customer_add(
                    complaint=complaint,
                    text=form.cleaned_data["text"],
                    uploads=form.cleaned_data["files"],
                )
                done = _("Thank you: what you added is on your case.")
        elif step == "respond":
            form = forms["response_form"] = ResponseForm(request.POST)
            if form.is_valid():
                if form.cleaned_data["decision"] == "confirm":
                    complaint_customer_confirm(
                        complaint=complaint, comment=form.cleaned_data["text"]
                    )
                    done = _("Thank you for confirming.")
                else:
                    complaint_customer_dispute(
                        complaint=complaint,
                        reason=form.cleaned_data["text"],
                        review=form.cleaned_data["review"],
                    )
                    done = _("Your case goes back for another look by the level above.")
        elif step == CustomerStep.RATE:
            form = forms["rating_form"] = RatingForm(request.POST)
            if form.is_valid():
                complaint_customer_rate(
                    complaint=complaint,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
                done = _("Thank you for your rating.")
        elif step == "compensation":
            row = complaint.compensations.filter(
                pk=request.POST.get("compensation") or 0, confirmed_at__isnull=True
            ).first()
            if row is None:
                raise Http404("no such compensation")
            compensation_confirm_by_customer(compensation=row)
            done = _("Thank you: you have agreed to the compensation.")
        else:
            raise Http404("no such step")
    except ApplicationError as error:
        form.add_error(None, error.detail)
        complaint.refresh_from_db()
        return _case_page(request, complaint, forms=forms, status=409)
    if not done:
        return _case_page(request, complaint, forms=forms, status=422)
    from django.contrib import messages

    messages.success(request, done)
    return redirect("portal-case", number=complaint.number)


@require_GET
def portal_file(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    complaint, away = _granted_or_redirect(request, number)
    if away:
        return away
    attachment = complaint.attachments.filter(pk=attachment_id, is_public=True).first()
    if attachment is None:
        raise Http404("no such file")
    return attachment_response(attachment)
