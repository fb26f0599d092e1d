"""A profile's page: its posts, counts, and a compose box for the viewer."""

import zoneinfo
from datetime import datetime

from django.shortcuts import get_object_or_404, render

from accounts.models import Follow, Profile
from accounts.permissions import can_act_as
from posts.compose import compose_context
from posts.models import Post
from posts.queries import page_by_id


def profile_page(request, handle: str):
    profile = get_object_or_404(Profile, handle__iexact=handle, is_suspended=False)
    viewer = request.profile
    page = page_by_id(
        Post.objects.profile_page(profile).for_display().with_viewer_state(viewer),
        request.GET.get("before"),
    )
    try:
        local_now = datetime.now(zoneinfo.ZoneInfo(profile.timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        local_now = None
    context = {
        "profile": profile,
        "page": page,
        "local_now": local_now,
        "post_count": Post.objects.visible().originals().filter(author=profile).count(),
        # Kept on the profile's row by accounts.actions.
        "follower_count": profile.follower_count,
        "following_count": profile.following_count,
        "is_self": viewer is not None and viewer.id == profile.id,
        "is_following": viewer is not None
        and Follow.objects.filter(follower=viewer, followee=profile).exists(),
        "can_manage": can_act_as(request.user, profile),
    }
    if viewer is not None:
        prefill = "" if context["is_self"] else f"@{profile.handle} "
        context["compose"] = compose_context(request, text=prefill)
    return render(request, "accounts/profile.html", context)
