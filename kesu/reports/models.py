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
