"""Reads of notifications: always one's own."""

from __future__ import annotations

from django.db.models import QuerySet

from kesu.accounts.models import User
from kesu.core.errors import NotFound
from kesu.notifications.models import Notification


def notification_list_for_user(*, user: User, unread: bool = False) -> QuerySet[Notification]:
    queryset = Notification.objects.filter(recipient=user).select_related("complaint")
    return queryset.filter(read_at__isnull=True) if unread else queryset


def notification_get_for_user(*, notification_id: int, user: User) -> Notification:
    notification = notification_list_for_user(user=user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound("no such notification", code="notification_not_found")
    return notification
