"""The handling tables administrators keep: approval rules, the penalty table, the routes of
disagreement per preset. The records themselves are read-only here; they are made through
the workspace and the API, where the rules apply."""

from django.contrib import admin

from kesu.handling.models import (
    Accountability,
    AppealRoute,
    ApprovalRule,
    Compensation,
    PenaltyLevel,
)


@admin.register(ApprovalRule)
class ApprovalRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "max_amount", "level", "is_active"]
    list_editable = ["max_amount", "level", "is_active"]


@admin.register(PenaltyLevel)
class PenaltyLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "amount", "order", "is_active"]
    list_editable = ["amount", "order", "is_active"]


@admin.register(AppealRoute)
class AppealRouteAdmin(admin.ModelAdmin):
    list_display = ["preset", "order", "name", "detail"]
    list_filter = ["preset"]
    list_editable = ["order"]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Compensation)
class CompensationAdmin(_ReadOnly):
    list_display = ["complaint", "kind", "amount", "payment_status", "id_number_masked", "paid_at"]
    list_filter = ["payment_status", "kind"]
    exclude = ["id_number"]


@admin.register(Accountability)
class AccountabilityAdmin(_ReadOnly):
    list_display = ["complaint", "is_justified", "responsible_party", "penalty", "approved_at"]
    list_filter = ["is_justified", "responsible_party"]
