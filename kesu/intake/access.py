"""Who works the intake queues (quarantined mail, referral batches): the people who register
cases. Reads roles only."""

from __future__ import annotations

from kesu.accounts.roles import Role
from kesu.accounts.selectors import user_roles
from kesu.core.errors import PermissionDenied

INTAKE_ROLES = frozenset({Role.AGENT, Role.COMPLAINT_MANAGER, Role.SUPERVISOR})


def can_work_intake(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user_roles(user) & INTAKE_ROLES))


def require_intake_worker(user) -> None:
    if not can_work_intake(user):
        raise PermissionDenied(
            "Only agents, complaint managers and supervisors work the intake queues."
        )
