from posts.models import Notification


def notifications(request):
    """The active profile's count of unread notifications (the page header's badge)."""
    profile = getattr(request, "profile", None)
    user = getattr(request, "user", None)
    if profile is None or user is None or not user.is_authenticated:
        return {"unread_count": 0}
    unread = Notification.objects.filter(
        recipient=profile, read_at__isnull=True, dismissed_at__isnull=True
    ).count()
    return {"unread_count": unread}
