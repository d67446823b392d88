from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import ApiToken, OrgUnit, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["org_unit"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "code", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    ordering = ["path"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, unit: OrgUnit) -> str:
        return "— " * unit.depth + unit.name


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "display_name", "email", "roles", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Kesu"), {"fields": ["display_name"]}),
    )

    @admin.display(description=_("roles"))
    def roles(self, user: User) -> str:
        return "、".join(
            f"{a.get_role_display()}@{a.org_unit}"
            for a in user.role_assignments.select_related("org_unit")
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request) -> bool:
        # The clear key is shown once; tokens are made with `kesu token create USERNAME`.
        return False
