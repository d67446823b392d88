def unread_notifications(request):
    """How many unread notifications the signed-in user has, for the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from kesu.notifications.selectors import notification_list_for_user

    return {"unread_notifications": notification_list_for_user(user=user, unread=True).count()}


def intake_worker(request):
    """Whether the signed-in user works the intake queues (the header links to them)."""
    from kesu.intake.access import can_work_intake

    user = getattr(request, "user", None)
    return {"is_intake_worker": bool(user and can_work_intake(user))}
