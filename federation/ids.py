"""The ActivityPub ids of local things. A local profile's actor is its page,
/@handle (handles never change); a post's Note is its page, /@handle/ID, which is
also the Mastodon API's uri and url of the status."""

from urllib.parse import quote

from accounts.models import Profile
from federation import conf
from posts.models import Post


def actor_id(profile: Profile | None) -> str:
    """A profile's actor; None is the instance's own actor (it signs fetches)."""
    if profile is None:
        return f"{conf.base_url()}/actor"
    if profile.is_remote:
        return profile.uri
    return f"{conf.base_url()}/@{quote(profile.handle)}"


def key_id(profile: Profile | None) -> str:
    return actor_id(profile) + "#main-key"


def note_id(post: Post) -> str:
    if not post.local and post.uri:
        return post.uri
    return f"{actor_id(post.author)}/{post.id}"


def activity_id(profile: Profile, kind: str, thing: str | int) -> str:
    """An id for an activity this server sends (kind: "create", "like", ...)."""
    return f"{actor_id(profile)}#{kind}/{thing}"


def shared_inbox() -> str:
    return f"{conf.base_url()}/inbox"


def collection(profile: Profile, name: str) -> str:
    return f"{actor_id(profile)}/{name}"


def tag_url(name: str) -> str:
    return f"{conf.base_url()}/tags/{quote(name)}/"
