"""/api/v1/accounts and friends: the token's own profile, other profiles, their
posts, following, blocking and muting."""

from urllib.parse import urlparse

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest

from accounts import actions as account_actions
from accounts.models import Block, Follow, Mute, Profile
from core.ids import parse_id
from mastodon_api import entities, resolvers
from mastodon_api.http import ApiError, api
from mastodon_api.views.common import (
    accounts_page,
    get_profile,
    readable_posts,
    statuses_page,
)


def _acting(request: HttpRequest) -> dict:
    return {"user": request.api_user, "profile": request.profile}  # type: ignore[attr-defined]


@api(scope=("read:accounts", "profile"))
def verify_credentials(request: HttpRequest):
    return entities.credential_account_entity(request.profile)  # type: ignore[attr-defined]


@api(scope="write:accounts")
def update_credentials(request: HttpRequest):
    p = request.params  # type: ignore[attr-defined]
    fields: dict = {}
    if "display_name" in p:
        fields["display_name"] = p.text("display_name")
    if "note" in p:
        fields["bio"] = p.text("note")
    avatar = getattr(request, "api_files", {}).get("avatar") or request.FILES.get("avatar")
    account_actions.update_profile(avatar=avatar, **_acting(request), **fields)
    if "locked" in p:
        # Locked: follows from other servers wait for the profile's approval.
        account_actions.set_follow_approval(**_acting(request), required=p.flag("locked"))
    request.profile.refresh_from_db()  # type: ignore[attr-defined]
    return entities.credential_account_entity(request.profile)  # type: ignore[attr-defined]


@api(scope="read:accounts", auth_mode="optional")
def get_account(request: HttpRequest, profile_id: str):
    return entities.account_entity(get_profile(profile_id))


@api(scope="read:accounts", auth_mode="optional")
def lookup(request: HttpRequest):
    acct = request.params.text("acct").strip().lstrip("@")  # type: ignore[attr-defined]
    handle, _, domain = acct.partition("@")
    if domain and domain.lower() != urlparse(settings.BASE_URL).netloc.lower():
        # A remote profile known here (its handle is user@domain).
        profile = Profile.objects.filter(handle__iexact=acct, is_suspended=False).first()
    else:
        profile = Profile.objects.by_handle(handle).filter(is_suspended=False).first()
    if profile is None:
        raise ApiError("Record not found", 404)
    return entities.account_entity(profile)


@api(scope="read:statuses", auth_mode="optional")
def account_statuses(request: HttpRequest, profile_id: str):
    profile = get_profile(profile_id)
    p = request.params  # type: ignore[attr-defined]
    if p.flag("only_media") or p.flag("pinned"):
        return []
    posts = readable_posts(request.profile).with_live_originals().filter(author=profile)  # type: ignore[attr-defined]
    if p.flag("exclude_replies"):
        posts = posts.filter(in_reply_to__isnull=True)
    if p.flag("exclude_reblogs"):
        posts = posts.filter(repost_of__isnull=True)
    if p.text("tagged"):
        posts = posts.with_tag(p.text("tagged"))
    return statuses_page(request, posts)


def _relationship(request: HttpRequest, target: Profile) -> dict:
    return entities.relationship_entity(request.profile, target)  # type: ignore[attr-defined]


@api(scope="write:follows")
def follow(request: HttpRequest, profile_id: str):
    target = get_profile(profile_id)
    account_actions.follow(target=target, **_acting(request))
    return _relationship(request, target)


@api(scope="write:follows")
def unfollow(request: HttpRequest, profile_id: str):
    target = get_profile(profile_id)
    account_actions.unfollow(target=target, **_acting(request))
    return _relationship(request, target)


@api(scope="write:blocks")
def block(request: HttpRequest, profile_id: str):
    target = get_profile(profile_id)
    account_actions.block(target=target, **_acting(request))
    return _relationship(request, target)


@api(scope="write:blocks")
def unblock(request: HttpRequest, profile_id: str):
    target = get_profile(profile_id)
    account_actions.unblock(target=target, **_acting(request))
    return _relationship(request, target)


@api(scope="write:mutes")
def mute(request: HttpRequest, profile_id: str):
    target = get_profile(profile_id)
    notifications = request.params.flag("notifications", True)  # type: ignore[attr-defined]
    account_actions.mute(target=target, notifications=notifications, **_acting(request))
    return _relationship(request, target)


@api(scope="write:mutes")
def unmute(request: HttpRequest, profile_id: str):
    target = get_profile(profile_id)
    account_actions.unmute(target=target, **_acting(request))
    return _relationship(request, target)


@api(scope="read:accounts", auth_mode="optional")
def followers(request: HttpRequest, profile_id: str):
    profile = get_profile(profile_id)
    rows = Follow.objects.filter(followee=profile, follower__is_suspended=False).select_related(
        "follower"
    )
    return accounts_page(request, rows, profile_attr="follower")


@api(scope="read:accounts", auth_mode="optional")
def following(request: HttpRequest, profile_id: str):
    profile = get_profile(profile_id)
    rows = Follow.objects.filter(follower=profile, followee__is_suspended=False).select_related(
        "followee"
    )
    return accounts_page(request, rows, profile_attr="followee")


@api(scope="read:follows")
def relationships(request: HttpRequest):
    ids = []
    for value in request.params.getlist("id"):  # type: ignore[attr-defined]
        number = parse_id(value)
        if number is not None:
            ids.append(number)
    found = {p.id: p for p in Profile.objects.filter(id__in=ids)}
    targets = [found[i] for i in dict.fromkeys(ids) if i in found]
    return entities.relationship_entities(request.profile, targets)  # type: ignore[attr-defined]


def search_profiles(query: str, limit: int, offset: int = 0) -> list[Profile]:
    query = query.strip().lstrip("@")
    if "@" in query.strip("@"):
        # user@domain: that remote profile (stored here already) and nobody else.
        remote = list(Profile.objects.filter(is_suspended=False, handle__iexact=query))
        if remote:
            return remote[offset : offset + limit]
    handle = query.partition("@")[0]
    if not handle:
        return []
    matches = Profile.objects.filter(is_suspended=False).filter(
        Q(handle__istartswith=handle) | Q(display_name__icontains=query)
    )
    exact = list(matches.filter(handle__iexact=handle))
    rest = list(matches.exclude(handle__iexact=handle).order_by("handle")[: offset + limit])
    return (exact + rest)[offset : offset + limit]


@api(scope="read:accounts")
def search(request: HttpRequest):
    p = request.params  # type: ignore[attr-defined]
    limit = p.number("limit", 40, minimum=1, maximum=80)
    offset = p.number("offset", 0, minimum=0)
    found = search_profiles(p.text("q"), limit, offset)
    if p.flag("resolve") and offset == 0:
        remote = resolvers.resolve_account(p.text("q").strip())
        if remote is not None:
            found = [remote, *(a for a in found if a.id != remote.id)][:limit]
    return entities.account_entities(found)


@api(scope="read:blocks")
def blocks(request: HttpRequest):
    rows = Block.objects.filter(profile=request.profile).select_related("target")  # type: ignore[attr-defined]
    return accounts_page(request, rows, profile_attr="target")


@api(scope="read:mutes")
def mutes(request: HttpRequest):
    rows = Mute.objects.filter(profile=request.profile).select_related("target")  # type: ignore[attr-defined]
    return accounts_page(request, rows, profile_attr="target")


@api(scope="read:accounts")
def preferences(request: HttpRequest):
    return {
        "posting:default:visibility": "public",
        "posting:default:sensitive": False,
        "posting:default:language": None,
        "reading:expand:media": "default",
        "reading:expand:spoilers": False,
    }
