from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Role


class OrgUnit(models.Model):
    """A node of the firm's tree: company → branch → department."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        BRANCH = "branch", _("Branch")
        DEPARTMENT = "department", _("Department")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path "/1/4/9/": a subtree is one indexed prefix query, at any depth.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            parent_path = OrgUnit.objects.get(pk=self.parent_id).path if self.parent_id else "/"
            if self.pk is None:
                super().save(*args, **kwargs)
                self.path = f"{parent_path}{self.pk}/"
                OrgUnit.objects.filter(pk=self.pk).update(path=self.path)
                return
            old_path = OrgUnit.objects.filter(pk=self.pk).values_list("path", flat=True).first()
            self.path = f"{parent_path}{self.pk}/"
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # Moving a unit moves its subtree: rewrite every descendant's path prefix.
                OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1))
                )

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def clean(self) -> None:
        if self.parent_id is None and self.kind != self.Kind.COMPANY:
            raise ValidationError({"parent": _("Only a company may stand at the top of the tree.")})
        if self.pk and self.parent_id:
            parent = OrgUnit.objects.get(pk=self.parent_id)
            if parent.path.startswith(self.path or f"/{self.pk}/") or parent.pk == self.pk:
                raise ValidationError({"parent": _("A unit cannot be placed under itself.")})

    def ancestors_and_self(self) -> list[OrgUnit]:
        """From this unit up to the company, nearest first."""
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        units = {unit.pk: unit for unit in OrgUnit.objects.filter(pk__in=ids)}
        return [units[pk] for pk in reversed(ids) if pk in units]


class User(AbstractUser):
    """A member of staff. Customers are not users: they live in customers.Customer."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    # Empty: follow the browser (and the firm's default, KESU_LANGUAGE).
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleAssignment(models.Model):
    """A user holds a role within an org unit; a user may hold several."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="assignments"
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "org_unit"], name="unique_role_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org_unit}"


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is kept; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
