from django.contrib import admin

from kesu.intake.models import InboundEmail


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """Read-only: the record of what arrived. Staff act on it in the workspace's mail queue."""

    list_display = ["received_at", "state", "subject", "complaint", "problem"]
    list_filter = ["state"]
    search_fields = ["subject", "complaint__number", "message_id"]
    readonly_fields = [f.name for f in InboundEmail._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
