"""The follow requests page (/settings/follow-requests/): a profile that approves
its followers sees who asked, and accepts or rejects each (plain forms, no script
needed). Accepting makes the follow and sends Accept, rejecting sends Reject, both
through the delivery queue (federation.follow_requests)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import actions as account_actions
from accounts.models import Profile
from accounts.web import profile_required
from core.errors import ActionError, NotFound
from federation import follow_requests

PAGE = "/settings/follow-requests/"


@profile_required
def follow_requests_page(request):
    profile = request.profile
    if request.method == "POST":
        required = request.POST.get("approve") == "on"
        try:
            account_actions.set_follow_approval(
                user=request.user, profile=profile, required=required
            )
        except ActionError as e:
            messages.error(request, e.message)
        else:
            messages.success(
                request,
                f"New followers of @{profile.handle} now wait for your approval."
                if required
                else f"New followers of @{profile.handle} are accepted at once.",
            )
        return redirect(PAGE)
    pending = list(follow_requests.pending_for(profile)[:200])
    return render(request, "federation/follow_requests.html", {"pending": pending})


def _answer(request, follower_id: int, accept: bool):
    profile = request.profile
    follower = Profile.objects.filter(pk=follower_id).first()
    try:
        if follower is None:
            raise NotFound("No such profile has asked to follow you.")
        if accept:
            follow_requests.approve(user=request.user, profile=profile, follower=follower)
            messages.success(request, f"@{follower.handle} now follows @{profile.handle}.")
        else:
            follow_requests.refuse(user=request.user, profile=profile, follower=follower)
            messages.success(request, f"Rejected @{follower.handle}'s follow request.")
    except ActionError as e:
        messages.error(request, e.message)
        return redirect(PAGE)
    return redirect(PAGE)


@require_POST
@profile_required
def accept(request, follower_id: int):
    return _answer(request, follower_id, accept=True)


@require_POST
@profile_required
def reject(request, follower_id: int):
    return _answer(request, follower_id, accept=False)
