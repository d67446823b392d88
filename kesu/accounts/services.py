"""Writes to users, org units, roles and API tokens."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction

from kesu.accounts.models import ApiToken, OrgUnit, RoleAssignment, User
from kesu.accounts.roles import Role
from kesu.core import clock
from kesu.core.errors import ValidationFailed

TOKEN_PREFIX = "kesu_"


def org_unit_create(*, code: str, name: str, kind: str, parent: OrgUnit | None = None) -> OrgUnit:
    """Create an org unit under `parent` (a company has none)."""
    if kind not in OrgUnit.Kind.values:
        raise ValidationFailed(f"unknown org unit kind {kind!r}", fields={"kind": "unknown"})
    if parent is None and kind != OrgUnit.Kind.COMPANY:
        raise ValidationFailed("only a company may stand at the top", fields={"parent": "required"})
    unit, _ = OrgUnit.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind, "parent": parent}
    )
    return unit


def user_create(*, username: str, password: str, display_name: str = "", email: str = "") -> User:
    """Create a member of staff with a usable password."""
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(f"user {username!r} exists", fields={"username": "taken"})
    return User.objects.create_user(
        username=username, password=password, display_name=display_name, email=email
    )


def role_grant(*, user: User, role: str, org_unit: OrgUnit) -> RoleAssignment:
    """Give `user` the `role` within `org_unit`; granting twice is harmless."""
    if role not in Role.values:
        raise ValidationFailed(f"unknown role {role!r}", fields={"role": "unknown"})
    assignment, _ = RoleAssignment.objects.get_or_create(user=user, role=role, org_unit=org_unit)
    if not user.is_staff:
        # Holding a role makes one staff: the admin is one of Kesu's interfaces.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return assignment


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new bearer token for `user`; the clear key is returned once and never stored."""
    if not user.is_active:
        raise ValidationFailed(f"user {user.username!r} is not active", fields={"user": "inactive"})
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[: len(TOKEN_PREFIX) + 6], key_hash=ApiToken.hash_key(key)
    )
    return token, key


def api_token_authenticate(*, key: str) -> User | None:
    """The active user a bearer key belongs to, or None for an unknown or revoked key."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=clock.now())
    return token.user


def user_set_language(*, user: User, language: str) -> User:
    """Remember the user's language (中文/English); empty follows the browser."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationFailed(f"unknown language {language!r}", fields={"language": "unknown"})
    user.language = language
    user.save(update_fields=["language"])
    return user
