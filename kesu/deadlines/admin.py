"""Admin pages for time limits. A change to a policy, a calendar day or business hours
recomputes the open cases' deadlines in the background."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kesu.core import clock
from kesu.deadlines.engine import unknown_years
from kesu.deadlines.models import (
    BusinessHours,
    CalendarDay,
    DeadlineAlert,
    DeadlineExtension,
    TimeLimitPolicy,
)


class RecomputesDeadlines:
    """Saving or deleting here moves deadlines: recompute open cases after commit."""

    def _recompute(self, request, what: str) -> None:
        from kesu.deadlines.tasks import refresh_open_deadlines_task

        transaction.on_commit(lambda: refresh_open_deadlines_task(what))
        messages.info(request, _("Open cases' deadlines are being recomputed."))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._recompute(request, str(_("Changed: %(what)s")) % {"what": obj})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._recompute(request, str(_("Removed: %(what)s")) % {"what": obj})


class WarnsOfUnknownYears:
    """Says so when this year or next is not in the statutory calendar and nobody entered it."""

    def changelist_view(self, request, extra_context=None):
        this_year = clock.local_date(clock.now()).year
        missing = unknown_years(range(this_year, this_year + 2))
        if missing:
            messages.warning(
                request,
                _(
                    "The statutory calendar for %(years)s is not known yet: working days are "
                    "counted Monday to Friday until you enter that year's holidays and make-up "
                    "working days below."
                )
                % {"years": "、".join(str(year) for year in missing)},
            )
        return super().changelist_view(request, extra_context)


@admin.register(TimeLimitPolicy)
class TimeLimitPolicyAdmin(WarnsOfUnknownYears, RecomputesDeadlines, admin.ModelAdmin):
    list_display = [
        "name",
        "preset",
        "kind",
        "severity",
        "category",
        "org_unit",
        "response_amount",
        "response_unit",
        "resolution_amount",
        "resolution_unit",
        "is_active",
    ]
    list_filter = ["preset", "is_active", "kind", "severity"]
    search_fields = ["name"]
    autocomplete_fields = ["category", "org_unit"]
    fieldsets = (
        (None, {"fields": ["name", "preset", "is_active", "priority"]}),
        (_("Applies to"), {"fields": ["kind", "severity", "category", "org_unit"]}),
        (
            _("Limits"),
            {
                "fields": [
                    ("response_amount", "response_unit"),
                    ("resolution_amount", "resolution_unit"),
                    ("revisit_amount", "revisit_unit"),
                    ("extension_amount", "extension_unit"),
                    "filing_window_days",
                ]
            },
        ),
    )


@admin.register(CalendarDay)
class CalendarDayAdmin(WarnsOfUnknownYears, RecomputesDeadlines, admin.ModelAdmin):
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"


@admin.register(BusinessHours)
class BusinessHoursAdmin(RecomputesDeadlines, admin.ModelAdmin):
    list_display = ["org_unit", "start", "end", "lunch_start", "lunch_end"]
    autocomplete_fields = ["org_unit"]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(admin.ModelAdmin):
    """Requests are made and decided on the case; here they are only read."""

    list_display = ["complaint", "amount", "unit", "status", "requested_by", "decided_by"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in DeadlineExtension._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DeadlineAlert)
class DeadlineAlertAdmin(admin.ModelAdmin):
    list_display = ["complaint", "target", "kind", "due_at", "created_at"]
    list_filter = ["kind", "target"]
    readonly_fields = [f.name for f in DeadlineAlert._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
