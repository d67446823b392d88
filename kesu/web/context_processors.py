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


def quality_lead(request):
    """Whether the signed-in user runs the improvement loop, or takes part in it (managers
    review their quarter; owners carry out actions)."""
    from kesu.quality.services import is_quality_lead

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    lead = is_quality_lead(user)
    return {"is_quality_lead": lead, "shows_quality": lead or _takes_part(user)}


def _takes_part(user) -> bool:
    from kesu.accounts.selectors import user_roles
    from kesu.quality.models import CorrectiveAction

    return (
        "complaint_manager" in user_roles(user)
        or CorrectiveAction.objects.filter(owner=user).exists()
    )
