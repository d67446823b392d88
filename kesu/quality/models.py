"""The improvement loop a quality manager runs: corrective and preventive actions, spot
checks against a checklist, the quarterly review of each manager's closed cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class CorrectiveAction(models.Model):
    """纠正措施 / 预防措施: a problem, its root cause, what will be done, and whether it worked."""

    class Kind(models.TextChoices):
        CORRECTIVE = "corrective", _("Corrective")
        PREVENTIVE = "preventive", _("Preventive")

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        EFFECTIVE = "effective", _("Verified effective")
        NOT_EFFECTIVE = "not_effective", _("Verified not effective")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    complaints = models.ManyToManyField(
        "complaints.Complaint", verbose_name=_("cases"), blank=True, related_name="actions"
    )
    # The trend it answers: a category and an org unit (with its subtree).
    category = models.ForeignKey(
        "complaints.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    root_cause = models.TextField(_("root cause"))
    measures = models.TextField(_("planned measures"))
    owner = models.ForeignKey(
        USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("due"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PLANNED
    )
    evidence = models.TextField(_("evidence of the effect"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        USER,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # The counts the verdict was based on: {"window_days", "before", "after", …}.
    effect = models.JSONField(_("measured effect"), default=dict, blank=True)
    follows = models.ForeignKey(
        "self",
        verbose_name=_("follows up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("corrective or preventive action")
        verbose_name_plural = _("corrective and preventive actions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "due_date"])]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    """One question a spot check asks of a closed case (editable in the admin)."""

    text = models.CharField(_("question"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class SpotCheck(models.Model):
    """抽查: a random sample of closed cases, reproducible from its stored seed."""

    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("closed from"))
    period_end = models.DateField(_("closed until"))
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        "complaints.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    size = models.PositiveIntegerField(_("sample size"))
    population = models.PositiveIntegerField(_("cases to draw from"))
    seed = models.BigIntegerField(_("seed"))
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class CheckedCase(models.Model):
    """One case of a spot check (or of a quarterly review) and its review."""

    spot_check = models.ForeignKey(
        SpotCheck, null=True, blank=True, on_delete=models.CASCADE, related_name="cases"
    )
    quarterly_review = models.ForeignKey(
        "QuarterlyReview", null=True, blank=True, on_delete=models.CASCADE, related_name="cases"
    )
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(_("checklist answers"), default=dict, blank=True)
    score = models.PositiveSmallIntegerField(_("score (0–100)"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("checked case")
        verbose_name_plural = _("checked cases")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.complaint_id)


class QuarterlyReview(models.Model):
    """A manager's review of their closed cases of last quarter (4S rules 4.12)."""

    manager = models.ForeignKey(
        USER, verbose_name=_("manager"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    created_at = models.DateTimeField(_("created at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("quarterly review")
        verbose_name_plural = _("quarterly reviews")
        ordering = ["-year", "-quarter", "manager_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["manager", "year", "quarter"], name="one_review_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter} {self.manager}"
