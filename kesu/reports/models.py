from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class BusinessVolume(models.Model):
    """How much business an org unit did in a month (transactions, orders, visits …), entered
    by administrators: the denominator of the valid-complaint rate (有效投诉率)."""

    org_unit = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    volume = models.PositiveBigIntegerField(_("business volume"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("business volume")
        verbose_name_plural = _("business volumes")
        ordering = ["-month", "org_unit"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "month"], name="one_volume_per_unit_month")
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.month:%Y-%m}: {self.volume}"


class ReportFile(models.Model):
    """A monthly or quarterly report as it was made: its spreadsheet and its PDF, kept with
    the date they were made (the worker makes each once the period ends; anyone may ask again)."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly summary")
        QUARTERLY = "quarterly", _("Quarterly report")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    xlsx = models.FileField(_("spreadsheet"), upload_to="reports/%Y/")
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/")
    made_at = models.DateTimeField(_("made at"))
    made_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_start", "-made_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start:%Y-%m}"


class SpikeAlert(models.Model):
    """A week whose intake in a category was far above what the weeks before it let one
    expect; kept so the dashboard shows it without refitting, and alerted once."""

    week = models.DateField(_("week"))
    category = models.CharField(_("category"), max_length=100)
    actual = models.PositiveIntegerField(_("received"))
    expected_upper = models.FloatField(_("expected at most"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("spike alert")
        verbose_name_plural = _("spike alerts")
        ordering = ["-week", "category"]
        constraints = [
            models.UniqueConstraint(fields=["week", "category"], name="one_alert_per_week_category")
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.category}: {self.actual}"
