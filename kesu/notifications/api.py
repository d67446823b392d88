"""/api/v1/notifications: one's own in-app notifications."""

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from kesu.complaints.schemas import ErrorOut, NotificationOut
from kesu.notifications.selectors import notification_get_for_user, notification_list_for_user
from kesu.notifications.services import notification_mark_read

router = Router(tags=["notifications"])


def _out(notification) -> dict:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "complaint": notification.complaint.number if notification.complaint else None,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
    }


@router.get("/notifications", response=list[NotificationOut])
@paginate(PageNumberPagination, page_size=50)
def list_notifications(request: HttpRequest, unread: bool = False):
    return [_out(n) for n in notification_list_for_user(user=request.user, unread=unread)]


@router.post(
    "/notifications/{notification_id}/read", response={200: NotificationOut, 404: ErrorOut}
)
def read_notification(request: HttpRequest, notification_id: int):
    notification = notification_get_for_user(notification_id=notification_id, user=request.user)
    return _out(notification_mark_read(notification=notification, user=request.user))
