from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import TimeStampedModel


class Customer(TimeStampedModel):
    """A customer record (客户档案): who they are and how to reach them."""

    name = models.CharField(_("name"), max_length=100)
    # Stored normalised (digits only, no +86) so that repeat customers are found by phone.
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    # For reports by customer segment (个人 / 企业 / 重要客户); empty when not known.
    segment = models.CharField(
        _("segment"),
        max_length=20,
        blank=True,
        choices=[
            ("individual", _("Individual")),
            ("business", _("Business")),
            ("key", _("Key account")),
        ],
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name
