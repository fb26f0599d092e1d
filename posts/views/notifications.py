"""The active profile's notifications. Viewing them changes nothing (a GET never
writes): the page marks what it showed as read with a POST, sent by
notifications.js as soon as the page has loaded, or by its "Mark as read" button."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.web import flash_error, profile_required
from core.errors import ActionError, InvalidInput
from posts import actions
from posts.models import Notification
from posts.queries import page_by_id


@profile_required
def notifications(request):
    profile = request.profile
    page = page_by_id(Notification.objects.for_profile(profile), request.GET.get("before"))
    unread_ids = {n.id for n in page.items if n.read_at is None}
    context = {
        "page": page,
        "unread_ids": unread_ids,
        # The newest shown: the POST that marks them read stops there.
        "read_up_to": max(unread_ids) if unread_ids else None,
    }
    if unread_ids:
        # The nav count leaves out what this page shows (it is being marked read).
        unread = Notification.objects.filter(
            recipient=profile, read_at__isnull=True, dismissed_at__isnull=True
        ).count()
        context["unread_count"] = max(0, unread - len(unread_ids))
    return render(request, "posts/notifications.html", context)


@require_POST
@profile_required
def mark_read(request):
    """Mark read the notifications up to `up_to` (the newest the page showed), or all."""
    raw = request.POST.get("up_to", "")
    up_to = int(raw) if raw.isdigit() and len(raw) <= 19 else None
    if raw and up_to is None:
        flash_error(request, InvalidInput("That is not a notification."))
        return redirect("notifications")
    actions.mark_notifications_read(user=request.user, profile=request.profile, up_to=up_to)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return redirect("notifications")


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
