"""Mastodon's stream names, as hub streams and what each lets through
(registered with live.streams in mastodon_api.apps):

    public, public:local            -> "public"
    hashtag, hashtag:local (tag=x)  -> "hashtag:x"
    user                            -> "user:<me>", "profile:<me>", the profiles and
                                       hashtags I follow (home), without those I block or mute
    user:notification               -> "user:<me>", notifications only

Everything on this server is local, so the ":local" variants carry the same events.
Public streams leave reposts out, as Mastodon's do.
"""

from django.conf import settings

from accounts.models import Block, Follow, Mute
from core.hashtags import tag_key
from live.envelope import STREAMING_EVENT_NAMES, Envelope
from live.hub import Accept
from live.streams import Resolved, StreamError, Viewer
from mastodon_api.auth import authenticate_token, has_scope

STATUS_EVENTS = frozenset({"update", "delete", "status.update"})
PUBLIC_NAMES = ("public", "public:local", "public:remote")
HASHTAG_NAMES = ("hashtag", "hashtag:local")
USER_NAMES = ("user", "user:notification")
KNOWN_NAMES = (*PUBLIC_NAMES, *HASHTAG_NAMES, *USER_NAMES)


def public_accept(envelope: Envelope) -> bool:
    return envelope.name in STATUS_EVENTS and not envelope.is_repost


def notification_accept(envelope: Envelope) -> bool:
    return envelope.name == "notification"


def home_accept(hidden: frozenset[str]) -> Accept:
    def accept(envelope: Envelope) -> bool:
        if envelope.name not in STREAMING_EVENT_NAMES:
            return False
        return envelope.author_id is None or envelope.author_id not in hidden

    return accept


def normalise_tag(tag: str | None) -> str:
    tag = tag_key(tag or "")
    if not tag or len(tag) > 100 or any(c.isspace() for c in tag):
        raise StreamError("A hashtag stream needs a tag (tag=...).")
    return tag


def resolve_public(name: str, tag: str | None, viewer: Viewer | None) -> Resolved:
    if settings.HASHCHAT.get("STREAMING_REQUIRES_TOKEN", False) and viewer is None:
        raise StreamError("This server requires an access token for streaming.", 401)
    if name in HASHTAG_NAMES:
        tag = normalise_tag(tag)
        return Resolved((name, tag), frozenset({f"hashtag:{tag}"}), public_accept)
    return Resolved((name,), frozenset({"public"}), public_accept)


def resolve_user(name: str, tag: str | None, viewer: Viewer | None) -> Resolved:
    if viewer is None or viewer.profile is None:
        raise StreamError("Missing access token", 401)
    profile = viewer.profile
    if name == "user:notification":
        if not (has_scope(viewer.scopes, "read:notifications")):
            raise StreamError("This token lacks the read:notifications scope.", 403)
        return Resolved((name,), frozenset({f"user:{profile.id}"}), notification_accept)
    if not has_scope(viewer.scopes, "read:statuses"):
        raise StreamError("This token lacks the read:statuses scope.", 403)
    followees = Follow.objects.filter(follower=profile).values_list("followee_id", flat=True)
    tags = profile.tag_follows.values_list("hashtag__name_lower", flat=True)
    streams = {f"user:{profile.id}", f"profile:{profile.id}"}
    streams.update(f"profile:{pid}" for pid in followees)
    streams.update(f"hashtag:{t}" for t in tags)
    hidden = {
        str(pid)
        for pid in Block.objects.filter(profile=profile).values_list("target_id", flat=True)
    }
    hidden.update(
        str(pid) for pid in Mute.objects.filter(profile=profile).values_list("target_id", flat=True)
    )
    return Resolved((name,), frozenset(streams), home_accept(frozenset(hidden)))


def viewer_for_token(token: str) -> Viewer | None:
    """The profile and scopes of a valid bearer token (live.streams asks at connect
    and again while the stream is open)."""
    found = authenticate_token(token)
    if found is None:
        return None
    _user, profile, scopes = found
    return Viewer(profile=profile, scopes=frozenset(scopes))
