"""Notifications: written with the change that causes them, emailed after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from kesu.accounts.models import User
from kesu.core import clock
from kesu.core.errors import NotFound
from kesu.notifications.models import Notification

logger = logging.getLogger(__name__)


def notify(
    *, recipients: Iterable[User], kind: str, title: str, body: str = "", complaint=None
) -> list[Notification]:
    """One in-app notification per recipient; their emails go out once the change commits."""
    now = clock.now()
    rows = [
        Notification.objects.create(
            recipient=user, complaint=complaint, kind=kind, title=title, body=body, created_at=now
        )
        for user in {user.pk: user for user in recipients if user is not None}.values()
    ]
    if rows:
        from kesu.notifications.email_tasks import send_pending_emails_task

        transaction.on_commit(send_pending_emails_task)
    return rows


def notifications_send_pending_emails(*, limit: int = 100) -> int:
    """Email what has not been emailed yet; safe to run twice or in two workers at once.

    Each row is locked (skipped if another worker holds it) and marked in the same
    transaction that sends it, so a message goes out once.
    """
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("recipient")
                .filter(emailed_at__isnull=True, email_error="")
                .order_by("created_at", "pk")
                .first()
            )
            if row is None:
                break
            address = row.recipient.email
            if not address:
                row.email_error = "no email address"
            else:
                try:
                    send_mail(row.title, row.body, settings.DEFAULT_FROM_EMAIL, [address])
                except OSError as error:
                    # Kept for a later run: the mail server may come back.
                    logger.warning("could not email notification %s: %s", row.pk, error)
                    return sent
                sent += 1
            row.emailed_at = clock.now() if not row.email_error else None
            row.save(update_fields=["emailed_at", "email_error"])
    return sent


def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    if notification.recipient_id != user.pk:
        raise NotFound("no such notification", code="notification_not_found")
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification
