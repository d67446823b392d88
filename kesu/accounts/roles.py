"""The roles of PRODUCT.md. Pure: what each role is, not who holds it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Frontline agent")
    COMPLAINT_MANAGER = "complaint_manager", _("Complaint manager")
    HANDLER = "handler", _("Department handler")
    SUPERVISOR = "supervisor", _("Supervisor")
    QUALITY_MANAGER = "quality_manager", _("Quality manager")
    EXECUTIVE = "executive", _("Executive")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that see every case of the org unit they hold the role in and of all units below it.
SUBTREE_ROLES = frozenset({Role.SUPERVISOR, Role.QUALITY_MANAGER, Role.EXECUTIVE})
# Roles that see the cases received at or handled by exactly their own org unit.
UNIT_ROLES = frozenset({Role.AGENT, Role.COMPLAINT_MANAGER})
# Roles that see the cases their department is responsible for.
DEPARTMENT_ROLES = frozenset({Role.HANDLER})
