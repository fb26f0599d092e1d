"""Follow requests from other servers to a profile that approves its followers:
approving makes the follow and sends Accept, refusing sends Reject. The Mastodon
API's /api/v1/follow_requests answers from here (routed by federation.api_urls)."""

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest

from accounts.models import Profile, User
from accounts.permissions import check_act_as
from core.errors import NotFound
from federation import conf, incoming, outgoing
from federation.models import FollowRequest
from mastodon_api import entities
from mastodon_api.http import ApiError, api


def pending_follows(viewer: Profile, target_ids: list[int]) -> tuple[set[int], set[int]]:
    """(those `viewer` asked to follow, those who asked to follow `viewer`) among
    `target_ids`, still waiting for an answer (registered with mastodon_api.resolvers)."""
    if not target_ids or not conf.enabled():
        return set(), set()
    rows = FollowRequest.objects.filter(state=FollowRequest.State.PENDING).filter(
        Q(follower=viewer, followee_id__in=target_ids)
        | Q(followee=viewer, follower_id__in=target_ids)
    )
    asked, asked_by = set(), set()
    for follower_id, followee_id in rows.values_list("follower_id", "followee_id"):
        if follower_id == viewer.id:
            asked.add(followee_id)
        else:
            asked_by.add(follower_id)
    return asked, asked_by


def pending_for(profile: Profile):
    return (
        FollowRequest.objects.filter(followee=profile, state=FollowRequest.State.PENDING)
        .exclude(follower__is_suspended=True)
        .select_related("follower", "followee")
        .order_by("-id")
    )


def _request(user: User, profile: Profile, follower: Profile) -> FollowRequest:
    check_act_as(user, profile)
    found = pending_for(profile).filter(follower=follower).first()
    if found is None:
        raise NotFound(f"@{follower.handle} has not asked to follow @{profile.handle}.")
    return found


def approve(*, user: User, profile: Profile, follower: Profile) -> FollowRequest:
    request = _request(user, profile, follower)
    incoming.accept_follow(request)
    request.state = FollowRequest.State.ACCEPTED
    return request


def refuse(*, user: User, profile: Profile, follower: Profile) -> FollowRequest:
    request = _request(user, profile, follower)
    with transaction.atomic():
        FollowRequest.objects.filter(pk=request.pk).update(state=FollowRequest.State.REJECTED)
        outgoing.send_follow_answer("Reject", request)
    request.state = FollowRequest.State.REJECTED
    return request


def _follower(account_id: str) -> Profile:
    if not account_id.isdigit() or len(account_id) > 19:
        raise ApiError("Record not found", 404)
    found = Profile.objects.filter(pk=int(account_id)).first()
    if found is None:
        raise ApiError("Record not found", 404)
    return found


@api(scope=("read:follows", "follow"))
def list_requests(request: HttpRequest):
    rows = pending_for(request.profile)[:80]  # type: ignore[attr-defined]
    return entities.account_entities([row.follower for row in rows])


@api(scope=("write:follows", "follow"))
def authorize(request: HttpRequest, account_id: str):
    follower = _follower(account_id)
    approve(user=request.api_user, profile=request.profile, follower=follower)  # type: ignore[attr-defined]
    return entities.relationship_entity(request.profile, follower)  # type: ignore[attr-defined]


@api(scope=("write:follows", "follow"))
def reject(request: HttpRequest, account_id: str):
    follower = _follower(account_id)
    refuse(user=request.api_user, profile=request.profile, follower=follower)  # type: ignore[attr-defined]
    return entities.relationship_entity(request.profile, follower)  # type: ignore[attr-defined]
