from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.deadlines import calendars
from kesu.deadlines.calendars import Unit

UNIT_CHOICES = [
    (Unit.MINUTES.value, _("minutes")),
    (Unit.HOURS.value, _("hours")),
    (Unit.DAYS.value, _("calendar days")),
    (Unit.WORKING_HOURS.value, _("working hours")),
    (Unit.WORKING_DAYS.value, _("working days")),
]


class Target(models.TextChoices):
    RESPONSE = "response", _("first response")
    RESOLUTION = "resolution", _("resolution")
    REVISIT = "revisit", _("revisit")


class BusinessHours(models.Model):
    """An org unit's business hours; units without their own inherit their parent's."""

    org_unit = models.OneToOneField(
        "accounts.OrgUnit",
        verbose_name=_("org unit"),
        on_delete=models.CASCADE,
        related_name="business_hours",
    )
    start = models.TimeField(_("opens"), default=dt.time(9, 0))
    end = models.TimeField(_("closes"), default=dt.time(17, 30))
    lunch_start = models.TimeField(_("lunch break from"), null=True, blank=True)
    lunch_end = models.TimeField(_("lunch break until"), null=True, blank=True)

    class Meta:
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")

    def __str__(self) -> str:
        return f"{self.org_unit}: {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        try:
            self.as_hours()
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def as_hours(self) -> calendars.BusinessHours:
        return calendars.BusinessHours(self.start, self.end, self.lunch_start, self.lunch_end)


class CalendarDay(models.Model):
    """An administrator's entry that wins over the statutory calendar: a local holiday, a
    worked Saturday, or a year chinesecalendar does not know yet."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'✓' if self.is_working_day else '✗'} {self.note}"


class TimeLimitPolicy(models.Model):
    """Targets for first response, resolution and revisit, for the cases it matches.

    A blank criterion matches everything; for each target the most specific active policy
    that sets it wins (kesu.deadlines.policies.select_policy).
    """

    name = models.CharField(_("name"), max_length=100)
    preset = models.CharField(_("preset"), max_length=30, blank=True, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    priority = models.IntegerField(
        _("priority"), default=0, help_text=_("Breaks ties between equally specific policies.")
    )
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    severity = models.CharField(_("severity"), max_length=20, blank=True)
    category = models.ForeignKey(
        "complaints.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("A top-level category also matches its sub-categories."),
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Also matches the units below it."),
    )
    response_amount = models.PositiveIntegerField(_("first response within"), null=True, blank=True)
    response_unit = models.CharField(_("unit"), max_length=20, choices=UNIT_CHOICES, blank=True)
    resolution_amount = models.PositiveIntegerField(_("resolved within"), null=True, blank=True)
    resolution_unit = models.CharField(_("unit"), max_length=20, choices=UNIT_CHOICES, blank=True)
    revisit_amount = models.PositiveIntegerField(
        _("revisit within (after the answer)"), null=True, blank=True
    )
    revisit_unit = models.CharField(_("unit"), max_length=20, choices=UNIT_CHOICES, blank=True)
    extension_amount = models.PositiveIntegerField(
        _("longest resolution limit after an extension"), null=True, blank=True
    )
    extension_unit = models.CharField(_("unit"), max_length=20, choices=UNIT_CHOICES, blank=True)
    filing_window_days = models.PositiveIntegerField(
        _("filing window (days after the incident)"),
        null=True,
        blank=True,
        help_text=_("E.g. a lab result may be disputed within 10 days of the report."),
    )

    class Meta:
        verbose_name = _("time-limit policy")
        verbose_name_plural = _("time-limit policies")
        ordering = ["preset", "-priority", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        for target in ("response", "resolution", "revisit", "extension"):
            amount, unit = getattr(self, f"{target}_amount"), getattr(self, f"{target}_unit")
            if (amount is None) != (not unit):
                errors[f"{target}_unit"] = _("Give both an amount and a unit, or neither.")
        if self.extension_amount is not None and self.resolution_amount is None:
            errors["extension_amount"] = _("An extension needs a resolution limit to extend.")
        if errors:
            raise ValidationError(errors)

    def limit(self, target: str) -> tuple[int, str] | None:
        amount, unit = getattr(self, f"{target}_amount"), getattr(self, f"{target}_unit")
        return None if amount is None or not unit else (amount, unit)


class DeadlineExtension(models.Model):
    """A request to give a case more time (3 → 7 working days); a supervisor decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="extensions"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    reason = models.TextField(_("reason"))
    amount = models.PositiveIntegerField(_("new resolution limit"))
    unit = models.CharField(_("unit"), max_length=20, choices=UNIT_CHOICES)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["-requested_at"]
        constraints = [
            # One open request per case at a time.
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(status="pending"),
                name="one_pending_extension_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint} +{self.amount} {self.unit} ({self.status})"


class DeadlineAlert(models.Model):
    """That a reminder or escalation for one deadline happened. The unique key makes the
    sweep act once, however often it runs and however many workers run it."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("reminder")
        ESCALATION_1 = "escalation_1", _("escalation to the supervisor")
        ESCALATION_2 = "escalation_2", _("escalation to head office")

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE)
    target = models.CharField(max_length=20, choices=Target.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "target", "kind", "due_at"], name="one_alert_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.target} {self.kind}"
