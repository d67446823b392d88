"""The worker's side of the customer outbox: claim a due message, deliver it, record it.

A message is claimed in a short transaction (so a slow mail server holds no lock), delivered
outside it, and the outcome is written with the case's timeline event in a second one. A
worker that dies mid-send leaves the claim to expire, and another worker sends it again.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from kesu.complaints.services import complaint_record_message
from kesu.core import clock
from kesu.notifications.models import OutboundMessage
from kesu.notifications.sms import SmsError, sms_gateway

logger = logging.getLogger(__name__)

CLAIM_FOR = dt.timedelta(minutes=15)


def _claim(now: dt.datetime) -> OutboundMessage | None:
    with transaction.atomic():
        row = (
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(
                state__in=[OutboundMessage.State.PENDING, OutboundMessage.State.SENDING],
                next_attempt_at__lte=now,
            )
            .order_by("next_attempt_at", "pk")
            .first()
        )
        if row is None:
            return None
        row.state = OutboundMessage.State.SENDING
        row.attempts += 1
        row.next_attempt_at = now + CLAIM_FOR
        row.save(update_fields=["state", "attempts", "next_attempt_at"])
        return row


def deliver(message: OutboundMessage) -> str:
    """Hand one message to the mail server or the SMS gateway; its reference, or raise."""
    if message.channel == OutboundMessage.Channel.EMAIL:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            reply_to=[settings.KESU_EMAIL_REPLY_TO] if settings.KESU_EMAIL_REPLY_TO else None,
            headers={"Auto-Submitted": "auto-generated"},
        )
        email.send()
        return email.extra_headers.get("Message-ID", "") or ""
    return sms_gateway().send(phone=message.recipient, text=message.body)


def outbound_send_due(*, now: dt.datetime | None = None, limit: int = 100) -> int:
    """Send what is due; returns how many went out. Safe in several workers at once."""
    sent = 0
    for _ in range(limit):
        message = _claim(now or clock.now())
        if message is None:
            break
        try:
            reference = deliver(message)
        except (OSError, smtplib.SMTPException, SmsError) as error:
            logger.warning(
                "message %s (%s by %s) failed: %s",
                message.pk,
                message.kind,
                message.channel,
                type(error).__name__,
            )
            complaint_record_message(
                message=message, error=str(error)[:300] or type(error).__name__
            )
        else:
            complaint_record_message(message=message, reference=reference)
            sent += 1
    return sent
