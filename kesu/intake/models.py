"""What arrives from outside before it is a case: emails, portal access codes, idempotency
keys of API clients, and the counters that keep abuse out of the portal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundEmail(models.Model):
    """One email as it arrived: the raw message is always kept, whatever became of it."""

    class State(models.TextChoices):
        NEW_CASE = "new_case", _("Opened a case")
        APPENDED = "appended", _("Added to a case")
        QUARANTINED = "quarantined", _("Quarantined: could not be read")
        AUTOMATIC = "automatic", _("Auto-reply or bounce: ignored")
        CONVERTED = "converted", _("Made into a case by staff")
        DISMISSED = "dismissed", _("Dismissed by staff")

    raw = models.FileField(_("raw message"), upload_to="mail/%Y/%m/")
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField(_("size"))
    source = models.CharField(_("source"), max_length=200)
    received_at = models.DateTimeField(_("received at"))
    message_id = models.CharField(_("Message-ID"), max_length=300, blank=True)
    sender = models.CharField(_("from"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text = models.TextField(_("text as read"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    problem = models.CharField(_("problem"), max_length=300, blank=True)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emails",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["state", "received_at"])]

    def __str__(self) -> str:
        return self.subject or self.source


class PortalAccessCode(models.Model):
    """A one-time code sent to the email on a case, to open it in the portal."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="+"
    )
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("portal access code")
        verbose_name_plural = _("portal access codes")

    def __str__(self) -> str:
        return f"code for case {self.complaint_id}"


class IdempotencyKey(models.Model):
    """An API client's Idempotency-Key: a retry returns the case the first request made."""

    key = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="unique_idempotency_key")
        ]

    def __str__(self) -> str:
        return self.key


class ThrottleCounter(models.Model):
    """Hits per key (an IP, a contact, a case number) per fixed window, shared by every
    process through the database."""

    key = models.CharField(max_length=200)
    # The window's start, in seconds since the epoch.
    period_start = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "period_start"], name="unique_throttle_window")
        ]

    def __str__(self) -> str:
        return f"{self.key}@{self.period_start}: {self.count}"
