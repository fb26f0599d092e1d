from accounts.middleware import profiles_for


def profiles(request):
    """The active profile, the others this login may switch to, and its unread count."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"active_profile": None, "my_profiles": [], "unread_count": 0}
    from posts.models import Notification

    profile = getattr(request, "profile", None)
    unread = (
        Notification.objects.filter(
            recipient=profile, read_at__isnull=True, dismissed_at__isnull=True
        ).count()
        if profile
        else 0
    )
    return {"active_profile": profile, "my_profiles": profiles_for(request), "unread_count": unread}
