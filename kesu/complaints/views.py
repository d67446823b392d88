"""The workspace's case pages. Thin: parse, call one selector or service, render; htmx gets
the fragment it swaps, a plain request the whole page."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kesu.complaints import presenters
from kesu.complaints.access import can_see_full_contact, complaint_roles_for
from kesu.complaints.downloads import attachment_response
from kesu.complaints.forms import (
    ACTION_FORMS,
    AttachForm,
    FilterForm,
    RegisterForm,
    show_refusal,
)
from kesu.complaints.models import Category
from kesu.complaints.selectors import (
    INBOX_COUNT_CAP,
    INBOXES,
    ComplaintFilters,
    complaint_actions_for_user,
    complaint_get_for_user,
    complaint_list_for_user,
    complaint_timeline,
    customer_history,
    inbox_counts,
    inbox_filter,
)
from kesu.complaints.services import (
    complaint_attach,
    complaint_perform,
    complaint_receive,
    complaint_update,
)
from kesu.complaints.suggest import suggest_category
from kesu.complaints.workflow import ACTION_LABELS, Action, check_edit
from kesu.core import clock
from kesu.core.errors import ApplicationError, NotFound
from kesu.customers.contacts import normalize_phone
from kesu.customers.selectors import customer_find
from kesu.handling.forms import HANDLING_FORMS, handling_offered
from kesu.handling.pdf import handling_form_pdf
from kesu.handling.selectors import handling_summary

PAGE_SIZE = 50

INBOX_LABELS = {
    "mine": gettext_lazy("Mine"),
    "department": gettext_lazy("My department"),
    "approval": gettext_lazy("Awaiting my approval"),
    "unassigned": gettext_lazy("Unassigned"),
    "at_risk": gettext_lazy("At risk"),
    "overdue": gettext_lazy("Overdue"),
    "revisits": gettext_lazy("Revisits due"),
    "revisits_missed": gettext_lazy("Revisits missed"),
    "closed": gettext_lazy("Recently closed"),
}


def _page(queryset, page: int):
    """One page, fast at millions of cases: no count of the whole table (one row more tells
    whether there is a next page), and the page's ids found first on the index alone, its
    rows and their relations loaded after."""
    start = (page - 1) * PAGE_SIZE
    ids = list(queryset.values_list("pk", flat=True)[start : start + PAGE_SIZE + 1])
    rows = {
        row.pk: row
        for row in queryset.model.objects.filter(pk__in=ids[:PAGE_SIZE]).select_related(
            "customer", "category", "org_unit", "owner"
        )
    }
    return [rows[pk] for pk in ids[:PAGE_SIZE]], len(ids) > PAGE_SIZE


@login_required
@require_GET
def inbox_count_list(request: HttpRequest) -> HttpResponse:
    """The inboxes' counts, loaded after the list so that counting never delays it."""
    return render(
        request,
        "complaints/_inbox_counts.html",
        {"counts": inbox_counts(user=request.user), "count_cap": INBOX_COUNT_CAP},
    )


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    inbox = request.GET.get("inbox", "")
    form = FilterForm(request.GET or None)
    filters_valid = form.is_valid() if request.GET else True
    filters = (
        form.filters(zone=ZoneInfo(settings.TIME_ZONE))
        if request.GET and filters_valid
        else ComplaintFilters(sort="deadline")
    )
    queryset = complaint_list_for_user(user=request.user, filters=filters)
    if inbox in INBOXES:
        queryset = queryset.filter(inbox_filter(inbox, request.user, clock.now()))
        if inbox == "approval":
            queryset = queryset.distinct()
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    rows, has_next = _page(queryset, page)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "section": "cases",
        "form": form,
        "rows": rows,
        "page": page,
        "has_next": has_next,
        "query": query.urlencode(),
        "inbox": inbox,
        "inboxes": [(name, str(INBOX_LABELS[name])) for name in INBOXES],
    }
    template = (
        "complaints/_rows.html"
        if request.htmx and request.htmx.target == "case-rows"
        else "complaints/list.html"
    )
    return render(request, template, context)


def can_edit(complaint, user, field: str) -> bool:
    """An edit is offered where the workflow lets this user change that field."""
    try:
        check_edit(
            fields=[field],
            status=complaint.status,
            roles=complaint_roles_for(user, complaint),
            is_owner=complaint.owner_id == user.pk,
        )
    except ApplicationError:
        return False
    return True


def _detail_context(request: HttpRequest, complaint, forms: dict | None = None) -> dict:
    actions = complaint_actions_for_user(complaint=complaint, user=request.user)
    offered = []
    for action in actions:
        offered.append(
            (
                action.value,
                str(ACTION_LABELS[action]),
                (forms or {}).get(action.value) or ACTION_FORMS[action.value](),
            )
        )
    if can_edit(complaint, request.user, "description"):
        edit = (forms or {}).get("edit") or ACTION_FORMS["edit"](
            initial={name: getattr(complaint, name) for name in ACTION_FORMS["edit"].base_fields}
        )
        offered.append(("edit", _("Correct the record"), edit))
    if can_edit(complaint, request.user, "category"):
        classify = (forms or {}).get("classify") or ACTION_FORMS["classify"](
            initial={
                "category": complaint.category.code if complaint.category else None,
                "severity": complaint.severity,
                "risk": complaint.risk,
            }
        )
        offered.insert(0, ("classify", _("Classify"), classify))
    for key, label, form in handling_offered(complaint, request.user):
        offered.append((key, label, (forms or {}).get(key) or form))
    return {
        "section": "cases",
        "complaint": complaint,
        "detail": presenters.complaint_detail(complaint, user=request.user),
        "full_contact": can_see_full_contact(request.user, complaint),
        "timeline": complaint_timeline(complaint=complaint, user=request.user),
        "offered": offered,
        "attachments": complaint.attachments.select_related("uploaded_by"),
        "attach_form": AttachForm() if Action.NOTE in actions else None,
        "history": customer_history(customer_id=complaint.customer_id, user=request.user).exclude(
            pk=complaint.pk
        )[:10],
        "handling": handling_summary(complaint=complaint, user=request.user),
    }


@login_required
@require_GET
def complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        complaint = complaint_get_for_user(number=number, user=request.user)
    except NotFound as error:
        raise Http404(error.detail) from error
    return render(request, "complaints/detail.html", _detail_context(request, complaint))


@login_required
@require_POST
def complaint_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    try:
        complaint = complaint_get_for_user(number=number, user=request.user)
    except NotFound as error:
        raise Http404(error.detail) from error
    if action in HANDLING_FORMS:
        form = HANDLING_FORMS[action](request.POST, complaint=complaint, user=request.user)
    elif action in ACTION_FORMS:
        form = ACTION_FORMS[action](request.POST)
    else:
        raise Http404("no such action")
    status = 200
    if form.is_valid():
        try:
            if action in HANDLING_FORMS:
                form.perform()
                complaint = complaint_get_for_user(number=number, user=request.user)
            elif action in ("classify", "edit"):
                complaint = complaint_update(
                    complaint=complaint, actor=request.user, changes=form.changes()
                )
            else:
                complaint = complaint_perform(
                    complaint=complaint, actor=request.user, action=action, payload=form.payload()
                )
        except ApplicationError as error:
            show_refusal(form, error)
            status = 422
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": _label(action)})
            if not request.htmx:
                return redirect("complaint-detail", number=complaint.number)
            complaint = complaint_get_for_user(number=number, user=request.user)
            return render(request, "complaints/_case.html", _detail_context(request, complaint))
    else:
        status = 422
    context = _detail_context(request, complaint, forms={action: form})
    context["open_action"] = action
    # Shown above the actions too: the refused action may not be one this user is offered.
    context["refusal"] = form.non_field_errors()
    if request.htmx:
        # htmx swaps only 2xx answers: the form with its errors comes back as a 200 fragment.
        return render(request, "complaints/_case.html", context)
    return render(request, "complaints/detail.html", context, status=status)


def _label(action: str) -> str:
    if action in HANDLING_FORMS:
        return str(HANDLING_FORMS[action].label)
    own = {"classify": _("Classify"), "edit": _("Correct the record")}
    return str(own[action]) if action in own else str(ACTION_LABELS[Action(action)])


@login_required
@require_POST
def complaint_attach_file(request: HttpRequest, number: str) -> HttpResponse:
    """Attach evidence; the case page comes back with it (or with the reason it was refused)."""
    complaint = complaint_get_for_user(number=number, user=request.user)
    form = AttachForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        try:
            complaint_attach(
                complaint=complaint,
                actor=request.user,
                upload=form.cleaned_data["file"],
                is_public=form.cleaned_data["is_public"],
            )
        except ApplicationError as error:
            form.add_error("file", error.detail)
        else:
            messages.success(
                request, _("Attached %(name)s.") % {"name": form.cleaned_data["file"].name}
            )
            return redirect("complaint-detail", number=complaint.number)
    context = _detail_context(request, complaint)
    context["attach_form"] = form
    return render(request, "complaints/detail.html", context, status=status)


@login_required
@require_GET
def complaint_handling_form(request: HttpRequest, number: str) -> HttpResponse:
    """投诉处理单: the whole case as a PDF, as this user may read it."""
    complaint = complaint_get_for_user(number=number, user=request.user)
    response = HttpResponse(
        handling_form_pdf(complaint, user=request.user), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{complaint.number}.pdf"'
    return response


@login_required
@require_GET
def complaint_file(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    """A case's file, to whoever may see the case; images inline, the rest as a download."""
    complaint = complaint_get_for_user(number=number, user=request.user)
    attachment = complaint.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("no such file")
    return attachment_response(attachment)


@login_required
def complaint_register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaint_receive(actor=request.user, **form.service_arguments())
        except ApplicationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Registered %(number)s.") % {"number": complaint.number})
            return redirect("complaint-detail", number=complaint.number)
    return render(
        request,
        "complaints/register.html",
        {"section": "register", "form": form},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def customer_lookup(request: HttpRequest) -> HttpResponse:
    """As the phone number is typed: the known customer and their earlier cases."""
    customer, cases = None, []
    try:
        phone = normalize_phone(request.GET.get("contact_phone", ""))
    except ValueError:
        phone = ""
    if len(phone) >= 7:
        customer = customer_find(phone=phone)
        if customer is not None:
            cases = customer_history(customer_id=customer.pk, user=request.user)[:10]
    return render(request, "complaints/_customer.html", {"customer": customer, "cases": cases})


@login_required
@require_GET
def category_suggestion(request: HttpRequest) -> HttpResponse:
    """As the description is typed: a category suggested from its words, if one fits."""
    leaves = Category.objects.filter(is_active=True, parent__isnull=False)
    code = suggest_category(request.GET.get("description", ""), leaves.values_list("code", "name"))
    category = leaves.filter(code=code).first() if code else None
    return render(request, "complaints/_suggestion.html", {"category": category})
