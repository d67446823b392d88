"""The quality manager's pages: actions, spot checks, quarterly reviews, staff performance.
Thin: parse, call a service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesu.complaints.forms import show_refusal
from kesu.core.errors import ApplicationError, ValidationFailed
from kesu.quality import performance as perf
from kesu.quality import rules, services
from kesu.quality.forms import (
    ActionForm,
    CheckReviewForm,
    LeagueForm,
    ProgressForm,
    SpotCheckForm,
    VerifyForm,
)
from kesu.quality.models import CheckedCase, CorrectiveAction, QuarterlyReview, SpotCheck


def _page(request, template, context, status=200):
    return render(request, f"quality/{template}", {"section": "quality", **context}, status=status)


@login_required
@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    actions = services.action_list_for_user(user=request.user)
    state = request.GET.get("state", "")
    if state in CorrectiveAction.State.values:
        actions = actions.filter(state=state)
    today = timezone.localdate()
    return _page(
        request,
        "actions.html",
        {
            "actions": actions[:200],
            "state": state,
            "states": CorrectiveAction.State.choices,
            "today": today,
            "is_lead": services.is_quality_lead(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest) -> HttpResponse:
    services.require_quality_lead(request.user)
    initial = {
        "kind": request.GET.get("kind") or "corrective",
        "complaints": request.GET.get("case", ""),
        "category": request.GET.get("category") or None,
        "org_unit": request.GET.get("org_unit") or None,
        "root_cause": request.GET.get("root_cause", ""),
        "title": request.GET.get("title", ""),
    }
    form = ActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(actor=request.user, **form.arguments())
        except ApplicationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Action planned: %(title)s") % {"title": action.title})
            return redirect("quality-action", action_id=action.pk)
    return _page(
        request, "action_new.html", {"form": form}, status=422 if request.method == "POST" else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    action = services.action_get_for_user(action_id=action_id, user=request.user)
    progress = ProgressForm(request.POST if "progress" in request.POST else None)
    verify = VerifyForm(request.POST if "verify" in request.POST else None)
    status = 200
    if request.method == "POST":
        status = 422
        try:
            if "progress" in request.POST and progress.is_valid():
                services.action_progress(action=action, actor=request.user, **progress.cleaned_data)
                return redirect("quality-action", action_id=action.pk)
            if "verify" in request.POST and verify.is_valid():
                services.action_verify(action=action, actor=request.user, **verify.arguments())
                return redirect("quality-action", action_id=action.pk)
        except ApplicationError as error:
            show_refusal(progress if "progress" in request.POST else verify, error)
    try:
        window = int(request.GET.get("window", 90))
        effect = services.action_effect(action=action, window_days=window)
    except (ValueError, ValidationFailed):
        window, effect = 90, services.action_effect(action=action, window_days=90)
    return _page(
        request,
        "action.html",
        {
            "action": action,
            "effect": effect,
            "window": window,
            "progress": progress,
            "verify": verify,
            "is_owner": action.owner_id == request.user.pk,
            "is_lead": services.is_quality_lead(request.user),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def spot_check_list(request: HttpRequest) -> HttpResponse:
    services.require_quality_lead(request.user)
    form = SpotCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.spot_check_draw(actor=request.user, **form.arguments())
        except ApplicationError as error:
            show_refusal(form, error)
        else:
            return redirect("quality-spot-check", check_id=check.pk)
    return _page(
        request,
        "spot_checks.html",
        {"form": form, "checks": SpotCheck.objects.all()[:100]},
        status=422 if request.method == "POST" else 200,
    )


def _review_forms(rows, posted=None):
    items = services.checklist()
    return [
        (
            row,
            posted[1]
            if posted and posted[0] == row.pk
            else CheckReviewForm(items=items, prefix=f"c{row.pk}"),
        )
        for row in rows
    ]


@login_required
@require_GET
def spot_check_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    services.require_quality_lead(request.user)
    check = SpotCheck.objects.filter(pk=check_id).first()
    if check is None:
        raise Http404("no such spot check")
    rows = check.cases.select_related("complaint", "reviewed_by")
    return _page(request, "spot_check.html", {"check": check, "rows": _review_forms(rows)})


@login_required
@require_POST
def checked_case_review(request: HttpRequest, checked_id: int) -> HttpResponse:
    row = (
        CheckedCase.objects.select_related("complaint", "spot_check", "quarterly_review")
        .filter(pk=checked_id)
        .first()
    )
    if row is None:
        raise Http404("no such case in a check")
    form = CheckReviewForm(request.POST, items=services.checklist(), prefix=f"c{row.pk}")
    back = (
        ("quality-spot-check", {"check_id": row.spot_check_id})
        if row.spot_check_id
        else ("quality-reviews", {})
    )
    if form.is_valid():
        try:
            services.checked_case_review(checked=row, actor=request.user, **form.arguments())
        except ApplicationError as error:
            messages.error(request, f"{row.complaint.number}: {error.detail}")
        else:
            messages.success(request, _("Reviewed %(number)s.") % {"number": row.complaint.number})
    return redirect(back[0], **back[1])


@login_required
@require_http_methods(["GET", "POST"])
def quarterly_reviews(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year, quarter = rules.previous_quarter(today)
    try:
        year = int(request.GET.get("year", year))
        quarter = int(request.GET.get("quarter", quarter))
    except ValueError:
        pass
    if request.method == "POST":
        if "finish" in request.POST:
            review = QuarterlyReview.objects.filter(pk=request.POST.get("finish") or 0).first()
            if review is None:
                raise Http404("no such review")
            try:
                services.quarterly_review_finish(review=review, actor=request.user)
            except ApplicationError as error:
                messages.error(request, error.detail)
        elif "prepare" in request.POST:
            services.require_quality_lead(request.user)
            made = services.quarterly_reviews_prepare(today=today)
            messages.success(request, _("%(count)s reviews prepared.") % {"count": len(made)})
        return redirect("quality-reviews")
    reviews = (
        QuarterlyReview.objects.filter(year=year, quarter=quarter)
        .select_related("manager")
        .annotate(
            total=Count("cases"), done=Count("cases", filter=Q(cases__reviewed_at__isnull=False))
        )
    )
    is_lead = services.is_quality_lead(request.user)
    mine = reviews.filter(manager=request.user).first()
    return _page(
        request,
        "reviews.html",
        {
            "year": year,
            "quarter": quarter,
            "reviews": reviews if is_lead else reviews.filter(manager=request.user),
            "is_lead": is_lead,
            "mine": mine,
            "rows": _review_forms(mine.cases.select_related("complaint")) if mine else [],
        },
    )


@login_required
@require_GET
def staff_performance(request: HttpRequest) -> HttpResponse:
    services.require_quality_lead(request.user)
    today = timezone.localdate()
    default = {"start": today.replace(day=1) - dt.timedelta(days=1), "end": today}
    default["start"] = default["start"].replace(day=1)
    # What the query leaves out keeps its default (a link may name only the ranking).
    given = {"start": default["start"].isoformat(), "end": default["end"].isoformat()}
    form = LeagueForm({**given, **request.GET.dict()} if request.GET else None, initial=default)
    start, end, rank = default["start"], default["end"], "handled"
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        rank = form.cleaned_data["rank"] or "handled"
    staff, departments = (
        perf.league(rows, rank)
        for rows in perf.performance(user=request.user, start=start, end=end)
    )
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            perf.performance_xlsx(
                staff=[row for _place, row in staff],
                departments=[row for _place, row in departments],
                start=start,
                end=end,
            ),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="performance-{start}-{end}.xlsx"'
        return response
    return _page(
        request,
        "performance.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "staff": staff,
            "departments": departments,
            "columns": perf.COLUMNS,
            "rank": rank,
        },
        status=422 if request.GET and not form.is_valid() else 200,
    )
