"""The workspace's own pages: home, dashboard, language, notifications. Thin: read through
selectors and measures, write through services."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.accounts.services import user_set_language
from kesu.complaints.access import complaint_scope_q
from kesu.complaints.models import Category, Complaint
from kesu.core import clock
from kesu.core.errors import ApplicationError
from kesu.notifications.selectors import notification_get_for_user, notification_list_for_user
from kesu.notifications.services import notification_mark_read
from kesu.reports import dashboard as dashboard_figures
from kesu.reports.models import SpikeAlert


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("complaint-list")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    cases = Complaint.objects.filter(complaint_scope_q(request.user))
    figures, chart = dashboard_figures.figures(cases, now=clock.now())
    # One click from a trend to an action: the top-level categories the chart shows.
    trend_links = list(
        Category.objects.filter(parent__isnull=True, name__in=list(chart["series"])).values_list(
            "name", "code"
        )
    )
    return render(
        request,
        "web/dashboard.html",
        {
            "section": "dashboard",
            "figures": figures,
            "chart": chart,
            "trend_links": trend_links,
            "spikes": SpikeAlert.objects.filter(
                week__gte=timezone.localdate(clock.now()) - dt.timedelta(days=14)
            ),
        },
    )


@require_POST
@login_required
def set_language(request: HttpRequest) -> HttpResponse:
    try:
        user_set_language(user=request.user, language=request.POST.get("language", ""))
    except ApplicationError:
        messages.error(request, _("Unknown language: the current one is kept."))
    target = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = settings.LOGIN_REDIRECT_URL
    return redirect(target)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    rows = notification_list_for_user(user=request.user)[:100]
    return render(request, "web/notifications.html", {"section": "notifications", "rows": rows})


@require_POST
@login_required
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = notification_get_for_user(notification_id=notification_id, user=request.user)
    notification_mark_read(notification=notification, user=request.user)
    if notification.complaint_id:
        return redirect("complaint-detail", number=notification.complaint.number)
    return redirect("notifications")
