"""Taking part: RSVP with a reminder, and hosts hiding posts from their event."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from chats import actions
from chats.forms import RsvpForm
from chats.views.common import host_page, moderating_profile, visible_event
from core.errors import ActionError, NotAllowed
from posts.models import Post


@login_required
@require_POST
def rsvp(request, hashtag, event_id):
    event = visible_event(request, hashtag, event_id)
    back = redirect("chats:event", event.series.hashtag, event.id)
    if request.profile is None:
        messages.error(request, "Choose a profile first.")
        return back
    try:
        if request.POST.get("cancel"):
            actions.cancel_rsvp(user=request.user, profile=request.profile, event=event)
            messages.success(request, "You are no longer going.")
            return back
        form = RsvpForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a reminder from the list.")
            return back
        actions.rsvp(
            user=request.user,
            profile=request.profile,
            event=event,
            remind_minutes=form.cleaned_data["remind_minutes"],
            remind_email=form.cleaned_data["remind_email"],
        )
        messages.success(request, f"@{request.profile.handle} is going.")
    except ActionError as e:
        messages.error(request, e.message)
    return back


@login_required
@require_POST
@host_page
def hide(request, hashtag, event_id, post_id):
    event = visible_event(request, hashtag, event_id)
    post = get_object_or_404(Post, pk=post_id)
    profile = moderating_profile(request, event)
    if profile is None:
        raise NotAllowed(f"Only the hosts of #{event.series.hashtag} can hide posts.")
    try:
        actions.hide_post(user=request.user, profile=profile, event=event, post=post)
        messages.success(request, "The post is hidden from the chat.")
    except ActionError as e:
        messages.error(request, e.message)
    return redirect("chats:event", event.series.hashtag, event.id)
