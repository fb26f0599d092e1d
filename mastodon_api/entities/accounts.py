"""Account entities, with their counts read in one query for a whole list."""

import functools
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection

from accounts.models import Follow, Profile
from hashchat.sqlrows import in_list
from mastodon_api.entities.base import HEADER_PATH, _base, iso, profile_url
from posts import parsing
from posts.models import Post


def account_counts(profile_ids: Sequence[int]) -> dict[int, tuple[int, int, int, Any]]:
    """(followers, following, statuses, last status time) for each profile, in one
    query. Plain SQL: the ORM's compile time for four correlated subqueries cost
    more than running them."""
    if not profile_ids:
        return {}
    follow = Follow._meta.db_table
    post = Post._meta.db_table
    listed, params = in_list("p.id", profile_ids)
    sql = f"""
        SELECT p.id,
            (SELECT COUNT(*) FROM {follow} f WHERE f.followee_id = p.id),
            (SELECT COUNT(*) FROM {follow} f WHERE f.follower_id = p.id),
            (SELECT COUNT(*) FROM {post} s
                WHERE s.author_id = p.id AND s.deleted_at IS NULL AND s.hidden_at IS NULL),
            (SELECT MAX(s.created_at) FROM {post} s
                WHERE s.author_id = p.id AND s.deleted_at IS NULL AND s.hidden_at IS NULL)
        FROM {Profile._meta.db_table} p WHERE {listed}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: (row[1], row[2], row[3], row[4]) for row in cursor.fetchall()}


def _counts_for(profiles: Iterable[Profile]) -> dict[int, Profile]:
    """Profiles by id, each carrying n_followers, n_following, n_statuses and
    last_status; one query for those that do not carry them yet."""
    have: dict[int, Profile] = {}
    for p in profiles:
        have[p.id] = p
    missing = [pid for pid, p in have.items() if not hasattr(p, "n_followers")]
    counts = account_counts(missing)
    for pid in missing:
        followers, following, statuses, last = counts.get(pid, (0, 0, 0, None))
        profile = have[pid]
        profile.n_followers = followers  # type: ignore[attr-defined]
        profile.n_following = following  # type: ignore[attr-defined]
        profile.n_statuses = statuses  # type: ignore[attr-defined]
        profile.last_status = last  # type: ignore[attr-defined]
    return have


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
    """A complete Account (one query for its counts)."""
    counted = _counts_for([profile])[profile.id]
    return _account(counted, _base(base_url))


def _account(profile: Profile, base: str) -> dict:
    counts = {
        "followers_count": getattr(profile, "n_followers", 0),
        "following_count": getattr(profile, "n_following", 0),
        "statuses_count": getattr(profile, "n_statuses", 0),
        "last_status_at": _last_status_date(getattr(profile, "last_status", None)),
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
    )


@functools.lru_cache(maxsize=4096)
def _account_fields(key: tuple, base: str) -> dict:
    pid, handle, display_name, bio, website, location, avatar_name, created_at = key
    profile = Profile(
        id=pid,
        handle=handle,
        display_name=display_name,
        bio=bio,
        website=website,
        location=location,
        avatar=avatar_name,
        created_at=created_at,
    )
    avatar = profile.avatar_url()
    if avatar.startswith("/"):
        avatar = base + avatar
    url = profile_url(profile, base)
    return {
        "id": str(profile.id),
        "username": profile.handle,
        "acct": profile.handle,
        "display_name": profile.display_name or profile.handle,
        "locked": False,
        "bot": False,
        "discoverable": True,
        "indexable": True,
        "group": False,
        "hide_collections": False,
        "noindex": False,
        "created_at": iso(profile.created_at),
        "note": parsing.render(profile.bio) if profile.bio else "",
        "url": url,
        "uri": url,
        "avatar": avatar,
        "avatar_static": avatar,
        "header": base + HEADER_PATH,
        "header_static": base + HEADER_PATH,
        "emojis": [],
        "fields": _fields(profile),
        "roles": [],
    }


def account_entities(profiles: Sequence[Profile], *, base_url: str | None = None) -> list[dict]:
    """Accounts for many profiles with at most one query."""
    counted = _counts_for(profiles)
    base = _base(base_url)
    return [_account(counted[p.id], base) for p in profiles]


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
