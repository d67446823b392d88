"""Django permissions derived from Kesu roles, so that nobody maintains groups by hand.

Every role may read cases and register them in the admin (what cases it sees is still the
role's scope); administrators also keep the org tree, users, roles and categories.
"""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend

from kesu.accounts.roles import Role
from kesu.accounts.selectors import user_roles

STAFF_PERMISSIONS = frozenset(
    {
        "complaints.view_complaint",
        "complaints.add_complaint",
        "complaints.view_complaintevent",
        "complaints.view_category",
        "customers.view_customer",
        "accounts.view_orgunit",
        "deadlines.view_timelimitpolicy",
        "deadlines.view_calendarday",
        "notifications.view_notification",
    }
)
ADMINISTRATOR_PERMISSIONS = (
    STAFF_PERMISSIONS
    | {
        f"{app}.{verb}_{model}"
        for app, model in (
            ("accounts", "orgunit"),
            ("accounts", "user"),
            ("accounts", "roleassignment"),
            ("accounts", "apitoken"),
            ("complaints", "category"),
            ("deadlines", "timelimitpolicy"),
            ("deadlines", "calendarday"),
            ("deadlines", "businesshours"),
            ("notifications", "messagetemplate"),
            ("handling", "approvalrule"),
            ("handling", "penaltylevel"),
            ("handling", "appealroute"),
            ("quality", "checklistitem"),
            ("reports", "businessvolume"),
        )
        for verb in ("view", "add", "change")
    }
    | {"notifications.view_outboundmessage", "intake.view_inboundemail"}
)


class RolePermissionBackend(BaseBackend):
    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        roles = user_roles(user_obj)
        if Role.ADMINISTRATOR in roles:
            return set(ADMINISTRATOR_PERMISSIONS)
        return set(STAFF_PERMISSIONS) if roles else set()

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return any(p.startswith(f"{app_label}.") for p in self.get_all_permissions(user_obj))
