"""The compose box: what its template needs, and reading what it posts."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from accounts.middleware import profiles_for
from accounts.models import Profile
from core.errors import InvalidInput, NotFound
from core.ids import parse_id
from posts.models import Post


def compose_context(
    request: HttpRequest,
    *,
    text: str = "",
    in_reply_to: Post | None = None,
    profile_id: str | None = None,
    key: str | None = None,
    error: str = "",
    next_url: str | None = None,
) -> dict:
    """Context for posts/_compose.html: the profiles this login may post as (the
    active one selected) and a fresh idempotency key, so a double submit makes
    one post."""
    active = getattr(request, "profile", None)
    return {
        "text": text,
        "in_reply_to": in_reply_to,
        "profiles": profiles_for(request),
        "selected": profile_id or (str(active.id) if active else ""),
        "key": key or uuid.uuid4().hex,
        "error": error,
        "next": next_url if next_url is not None else request.get_full_path(),
        "max_chars": settings.HASHCHAT["MAX_POST_CHARS"],
    }


@dataclass
class ComposeInput:
    text: str
    profile_id: str
    key: str
    reply_to_id: str
    profile: Profile | None = None
    in_reply_to: Post | None = None


def read_compose(request: HttpRequest) -> ComposeInput:
    """What the compose form posted (see `resolve` for the lookups)."""
    data = request.POST
    return ComposeInput(
        text=data.get("text", ""),
        profile_id=data.get("profile", ""),
        key=data.get("idempotency_key", "")[:200],
        reply_to_id=data.get("in_reply_to", ""),
    )


def resolve(found: ComposeInput) -> Profile:
    """Look up the profile and the replied-to post named in the form; NotFound or
    InvalidInput when either is unknown."""
    profile_id = found.profile_id.strip()
    profile_pk = parse_id(profile_id)
    if profile_pk is None:
        raise InvalidInput("Choose a profile to post as.", field="profile")
    profile = Profile.objects.filter(pk=profile_pk).first()
    if profile is None:
        raise NotFound("There is no such profile.", field="profile")
    found.profile = profile
    reply_to = found.reply_to_id.strip()
    if reply_to:
        reply_pk = parse_id(reply_to)
        if reply_pk is None:
            raise NotFound("The post you are replying to does not exist.", field="in_reply_to")
        found.in_reply_to = (
            Post.objects.select_related("author", "repost_of").filter(pk=reply_pk).first()
        )
        if found.in_reply_to is None:
            raise NotFound("The post you are replying to does not exist.", field="in_reply_to")
    return profile
