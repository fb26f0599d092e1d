"""Account entities; their counts are kept on the profile rows."""

import functools
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from accounts.models import Profile
from mastodon_api.entities.base import HEADER_PATH, _base, iso, profile_url
from posts import parsing


def _last_status_date(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands back MAX() of a datetime as text
        return value[:10]
    if isinstance(value, datetime):
        return value.astimezone(UTC).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def _fields(profile: Profile) -> list[dict]:
    fields = []
    if profile.website:
        link = parsing.render(profile.website)
        fields.append({"name": "Website", "value": link[3:-4], "verified_at": None})
    if profile.location:
        fields.append(
            {"name": "Location", "value": parsing.sanitise(profile.location), "verified_at": None}
        )
    return fields


def account_entity(profile: Profile, *, base_url: str | None = None) -> dict:
    """A complete Account."""
    return _account(profile, _base(base_url))


def _account(profile: Profile, base: str) -> dict:
    # The counts are kept on the profile's row (posts.stats, accounts.actions).
    counts = {
        "followers_count": profile.follower_count,
        "following_count": profile.following_count,
        "statuses_count": profile.post_count,
        "last_status_at": _last_status_date(profile.last_post_at),
    }
    return {**_account_fields(_profile_key(profile), base), **counts}


def _profile_key(p: Profile) -> tuple:
    """What an Account shows of a profile besides its counts, as a hashable key, so
    the rendered fields (the bio's HTML, the avatar's address) are built once per
    version of the profile rather than once per status."""
    return (
        p.id,
        p.handle,
        p.display_name,
        p.bio,
        p.website,
        p.location,
        str(p.avatar),
        p.created_at,
        p.domain,
        p.uri,
        p.url,
        p.manually_approves_followers,
        p.kind,
        p.remote_avatar_url,
    )


@functools.lru_cache(maxsize=4096)
def _account_fields(key: tuple, base: str) -> dict:
    (pid, handle, display_name, bio, website, location, avatar_name, created_at) = key[:8]
    domain, uri, remote_url, locked, kind, remote_avatar_url = key[8:]
    profile = Profile(
        id=pid,
        handle=handle,
        display_name=display_name,
        bio=bio,
        website=website,
        location=location,
        avatar=avatar_name,
        created_at=created_at,
        domain=domain,
        uri=uri,
        url=remote_url,
        remote_avatar_url=remote_avatar_url,
    )
    avatar = profile.avatar_url()
    if avatar.startswith("/"):
        avatar = base + avatar
    url = profile_url(profile, base)
    return {
        "id": str(profile.id),
        # A remote profile's handle is user@domain: its acct, as Mastodon gives it.
        "username": profile.handle.split("@", 1)[0],
        "acct": profile.handle,
        "display_name": profile.display_name or profile.handle,
        "locked": locked,
        "bot": False,
        "discoverable": True,
        "indexable": True,
        # A series' own account (@libchat) is a group, as Mastodon shows Group actors.
        "group": kind == Profile.Kind.CHAT,
        "hide_collections": False,
        "noindex": False,
        "created_at": iso(profile.created_at),
        "note": parsing.render(profile.bio) if profile.bio else "",
        "url": url,
        "uri": profile.uri if profile.is_remote else url,
        "avatar": avatar,
        "avatar_static": avatar,
        "header": base + HEADER_PATH,
        "header_static": base + HEADER_PATH,
        "emojis": [],
        "fields": _fields(profile),
        "roles": [],
    }


def account_entities(profiles: Sequence[Profile], *, base_url: str | None = None) -> list[dict]:
    """Accounts for many profiles, without a query."""
    base = _base(base_url)
    return [_account(p, base) for p in profiles]


def credential_account_entity(profile: Profile, *, base_url: str | None = None) -> dict:
    """The Account of the token's own profile, with its `source` (verify_credentials)."""
    entity = account_entity(profile, base_url=base_url)
    entity["source"] = {
        "note": profile.bio,
        "fields": [
            {"name": name, "value": value, "verified_at": None}
            for name, value in (("Website", profile.website), ("Location", profile.location))
            if value
        ],
        "privacy": "public",
        "sensitive": False,
        "language": "",
        "follow_requests_count": 0,
    }
    return entity
