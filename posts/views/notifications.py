"""The active profile's notifications; viewing them marks them read."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.web import flash_error, profile_required
from core.errors import ActionError
from posts import actions
from posts.models import Notification
from posts.queries import page_by_id


@profile_required
def notifications(request):
    profile = request.profile
    page = page_by_id(Notification.objects.for_profile(profile), request.GET.get("before"))
    # Shown as new on this view; marked read at once, so the nav count drops to zero.
    unread_ids = {n.id for n in page.items if n.read_at is None}
    if unread_ids:
        actions.mark_notifications_read(user=request.user, profile=profile)
    context = {"page": page, "unread_ids": unread_ids}
    return render(request, "posts/notifications.html", context)


@require_POST
@profile_required
def dismiss(request, notification_id: int):
    try:
        actions.dismiss_notification(
            user=request.user, profile=request.profile, notification_id=notification_id
        )
    except ActionError as e:
        flash_error(request, e)
    return redirect("notifications")


@require_POST
@profile_required
def clear(request):
    actions.clear_notifications(user=request.user, profile=request.profile)
    return redirect("notifications")
