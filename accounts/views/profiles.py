"""Following and switching the active profile (the profile page, a page of posts,
is posts.views.profiles)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from accounts import actions
from accounts.middleware import SESSION_KEY, profiles_for
from accounts.models import Profile
from accounts.web import flash_error, profile_required, redirect_next
from core.errors import ActionError


@require_POST
@profile_required
def follow(request, handle: str):
    target = get_object_or_404(Profile, handle__iexact=handle)
    try:
        actions.follow(user=request.user, profile=request.profile, target=target)
    except ActionError as e:
        flash_error(request, e)
    return redirect_next(request, f"/@{target.handle}/")


@require_POST
@profile_required
def unfollow(request, handle: str):
    target = get_object_or_404(Profile, handle__iexact=handle)
    try:
        actions.unfollow(user=request.user, profile=request.profile, target=target)
    except ActionError as e:
        flash_error(request, e)
    return redirect_next(request, f"/@{target.handle}/")


@require_POST
@profile_required
def switch_profile(request):
    """Make another of this login's profiles the active one."""
    wanted = request.POST.get("profile", "")
    chosen = next((p for p in profiles_for(request) if str(p.id) == wanted), None)
    if chosen is None:
        messages.error(request, "You cannot act as that profile.")
    else:
        request.session[SESSION_KEY] = str(chosen.id)
        messages.success(request, f"You are now acting as @{chosen.handle}.")
    return redirect_next(request, "/")
