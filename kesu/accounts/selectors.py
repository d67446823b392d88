"""Reads of users, org units and roles."""

from __future__ import annotations

from kesu.accounts.models import OrgUnit, RoleAssignment, User
from kesu.accounts.roles import Role
from kesu.core.errors import NotFound


def user_role_assignments(user: User) -> list[RoleAssignment]:
    """The user's roles with their units, fetched once per user object."""
    cached = getattr(user, "_kesu_role_assignments", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("org_unit"))
        user._kesu_role_assignments = cached
    return cached


def user_has_role(user: User, *roles: str) -> bool:
    return any(assignment.role in roles for assignment in user_role_assignments(user))


def user_roles(user: User) -> set[str]:
    return {assignment.role for assignment in user_role_assignments(user)}


def user_home_unit(user: User) -> OrgUnit | None:
    """The unit a user registers cases at: the first unit they hold a role in."""
    assignments = user_role_assignments(user)
    return assignments[0].org_unit if assignments else None


def user_get_by_username(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(f"no active user {username!r}", fields={"username": "unknown"})
    return user


def org_unit_get_by_code(code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code, is_active=True).first()
    if unit is None:
        raise NotFound(f"no active org unit {code!r}", fields={"org_unit": "unknown"})
    return unit


def escalation_chain(org_unit: OrgUnit) -> list[User]:
    """Supervisors from `org_unit` up to the company, nearest first, each named once.

    At each unit the supervisors come first, then executives (head office tops the chain).
    """
    units = org_unit.ancestors_and_self()
    assignments = RoleAssignment.objects.filter(
        org_unit__in=units, role__in=[Role.SUPERVISOR, Role.EXECUTIVE], user__is_active=True
    ).select_related("user")
    rank = {unit.pk: index for index, unit in enumerate(units)}
    ordered = sorted(
        assignments,
        key=lambda a: (rank[a.org_unit_id], a.role != Role.SUPERVISOR, a.user_id),
    )
    chain: list[User] = []
    for assignment in ordered:
        if assignment.user not in chain:
            chain.append(assignment.user)
    return chain
