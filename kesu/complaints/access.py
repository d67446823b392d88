"""The one permission gate for reading a case, and the roles an actor holds over it."""

from __future__ import annotations

from django.db.models import Q

from kesu.accounts.models import OrgUnit, User
from kesu.accounts.roles import DEPARTMENT_ROLES, SUBTREE_ROLES, UNIT_ROLES, Role
from kesu.accounts.selectors import user_role_assignments
from kesu.complaints.models import Complaint
from kesu.core.errors import NotFound


def _everything(user: User) -> bool:
    return user.is_superuser


def complaint_scope_q(user: User) -> Q:
    """The cases `user` may see, as a filter.

    Agents and complaint managers: received at or handled by their own unit, or assigned to
    or registered by them. Handlers: their department's cases, or assigned to them.
    Supervisors, quality managers, executives and administrators: their unit's whole subtree.
    """
    if _everything(user):
        return Q()
    scope = Q(owner=user) | Q(created_by=user) | Q(pk__in=_task_cases(user))
    for assignment in user_role_assignments(user):
        unit = assignment.org_unit
        if assignment.role in SUBTREE_ROLES or assignment.role == Role.ADMINISTRATOR:
            if _covers_every_unit(unit):
                # Head office: every case is received somewhere in this subtree, so no
                # filter at all (which lets the reports read index ranges alone).
                return Q()
            scope |= Q(org_unit__path__startswith=unit.path) | Q(
                intake_unit__path__startswith=unit.path
            )
        elif assignment.role in UNIT_ROLES:
            scope |= Q(org_unit=unit) | Q(intake_unit=unit)
        elif assignment.role in DEPARTMENT_ROLES:
            scope |= Q(org_unit=unit)
    return scope


def _covers_every_unit(unit) -> bool:
    return not OrgUnit.objects.exclude(path__startswith=unit.path).exists()


def _task_cases(user: User):
    # 跨部门协作: whoever owes a case a task sees it (read-only: a task gives no role).
    return Complaint.objects.filter(collaboration_tasks__assignee=user).values("pk")


def _unit_paths(complaint: Complaint) -> list[str]:
    return [unit.path for unit in (complaint.org_unit, complaint.intake_unit) if unit is not None]


def complaint_roles_for(user: User, complaint: Complaint) -> set[str]:
    """The roles `user` holds over this very case (a handler elsewhere is no handler here)."""
    if _everything(user):
        return set(Role.values)
    roles: set[str] = set()
    paths = _unit_paths(complaint)
    for assignment in user_role_assignments(user):
        unit = assignment.org_unit
        if assignment.role in SUBTREE_ROLES or assignment.role == Role.ADMINISTRATOR:
            covers = any(path.startswith(unit.path) for path in paths)
        elif assignment.role in UNIT_ROLES:
            covers = unit.pk in (complaint.org_unit_id, complaint.intake_unit_id)
        else:
            covers = unit.pk == complaint.org_unit_id
        # Whoever holds or registered the case keeps their role over it wherever it goes.
        if covers or user.pk in (complaint.owner_id, complaint.created_by_id):
            roles.add(assignment.role)
    return roles


def can_see_complaint(user: User, complaint: Complaint) -> bool:
    return (
        bool(complaint_roles_for(user, complaint))
        or user.pk in (complaint.owner_id, complaint.created_by_id)
        or complaint.collaboration_tasks.filter(assignee=user).exists()
    )


def access_complaint_for_user(*, number: str, user: User, queryset=None) -> Complaint:
    """The case numbered `number` if `user` may see it; the same NotFound whether it is
    missing or someone else's, so that numbers cannot be probed."""
    queryset = queryset if queryset is not None else Complaint.objects.all()
    complaint = queryset.filter(number=number).first()
    if complaint is None or not can_see_complaint(user, complaint):
        raise NotFound(f"no complaint {number}", code="complaint_not_found")
    return complaint


def can_see_full_contact(user: User, complaint: Complaint) -> bool:
    """Quality managers and administrators review cases without needing the customer's contact."""
    roles = complaint_roles_for(user, complaint)
    return bool(roles - {Role.QUALITY_MANAGER, Role.ADMINISTRATOR}) or user.pk == complaint.owner_id
