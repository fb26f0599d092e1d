"""Notification, Tag and Relationship entities."""

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from django.db.models import Exists, OuterRef

from accounts.models import Block, Follow, Mute, Profile
from core.hashtags import tag_key
from mastodon_api import resolvers
from mastodon_api.entities.accounts import _account
from mastodon_api.entities.base import _base, iso
from mastodon_api.entities.statuses import status_entities
from posts.models import Hashtag, Notification, TagFollow

# hashchat notification kinds as Mastodon notification types. A reply is a
# "mention" on Mastodon; reminders have no Mastodon type and are not listed.
NOTIFICATION_TYPES = {
    Notification.Kind.REPLY: "mention",
    Notification.Kind.MENTION: "mention",
    Notification.Kind.LIKE: "favourite",
    Notification.Kind.REPOST: "reblog",
    Notification.Kind.FOLLOW: "follow",
}
API_TYPE_TO_KINDS = {
    "mention": ["reply", "mention"],
    "favourite": ["like"],
    "reblog": ["repost"],
    "follow": ["follow"],
}


def notification_entity(notification: Notification, viewer: Profile | None = None) -> dict:
    return notification_entities([notification], viewer)[0]


def notification_entities(
    notifications: Sequence[Notification],
    viewer: Profile | None = None,
    *,
    base_url: str | None = None,
) -> list[dict]:
    """Notifications with their accounts and statuses, in a fixed number of queries
    (load them with select_related("actor", "post__author"))."""
    base = _base(base_url)
    accounts: dict[int, dict] = {}
    for n in notifications:  # once per actor, not once per notification
        if n.actor_id is not None and n.actor_id not in accounts and n.actor is not None:
            accounts[n.actor_id] = _account(n.actor, base)
    posts = [n.post for n in notifications if n.post_id is not None]
    statuses = {
        s["id"]: s
        for s in status_entities(posts, viewer=viewer, base_url=base)  # type: ignore[arg-type]
    }
    out = []
    for n in notifications:
        entity: dict[str, Any] = {
            "id": str(n.id),
            "type": NOTIFICATION_TYPES.get(n.kind, n.kind),  # type: ignore[call-overload]
            "created_at": iso(n.created_at),
            "group_key": f"ungrouped-{n.id}",
            "account": accounts.get(n.actor_id) if n.actor_id else None,
        }
        if n.post_id is not None:
            entity["status"] = statuses.get(str(n.post_id))
        out.append(entity)
    return out


def tag_entity(
    tag: Hashtag | str, *, viewer: Profile | None = None, base_url: str | None = None
) -> dict:
    """A Tag; with a viewer, says whether the viewer follows it (one query)."""
    name = tag.name_lower if isinstance(tag, Hashtag) else tag_key(tag)
    entity: dict[str, Any] = {
        "name": name,
        "url": f"{_base(base_url)}/tags/{quote(name)}",
        "history": [],
    }
    if viewer is not None:
        entity["following"] = TagFollow.objects.filter(
            profile=viewer, hashtag__name_lower=name
        ).exists()
    return entity


def relationship_entity(viewer: Profile, target: Profile) -> dict:
    return relationship_entities(viewer, [target])[0]


def relationship_entities(viewer: Profile, targets: Sequence[Profile]) -> list[dict]:
    """Relationships from `viewer` to each target, in one query."""
    ids = [t.id for t in targets]
    rows = {
        found["id"]: found
        for found in Profile.objects.filter(id__in=ids)
        .annotate(
            r_following=Exists(Follow.objects.filter(follower=viewer, followee=OuterRef("pk"))),
            r_followed_by=Exists(Follow.objects.filter(follower=OuterRef("pk"), followee=viewer)),
            r_blocking=Exists(Block.objects.filter(profile=viewer, target=OuterRef("pk"))),
            r_blocked_by=Exists(Block.objects.filter(profile=OuterRef("pk"), target=viewer)),
            r_muting=Exists(Mute.objects.filter(profile=viewer, target=OuterRef("pk"))),
            r_muting_n=Exists(
                Mute.objects.filter(profile=viewer, target=OuterRef("pk"), notifications=True)
            ),
        )
        .values(
            "id",
            "r_following",
            "r_followed_by",
            "r_blocking",
            "r_blocked_by",
            "r_muting",
            "r_muting_n",
        )
    }
    # A follow of a profile on another server waits for its Accept.
    requested, requested_by = resolvers.pending_follows(viewer, ids)
    out = []
    for target in targets:
        row: Any = rows.get(target.id, {})
        following = bool(row.get("r_following")) and target.id not in requested
        out.append(
            {
                "id": str(target.id),
                "following": following,
                "showing_reblogs": following,
                "notifying": False,
                "languages": None,
                "followed_by": bool(row.get("r_followed_by")),
                "blocking": bool(row.get("r_blocking")),
                "blocked_by": bool(row.get("r_blocked_by")),
                "muting": bool(row.get("r_muting")),
                "muting_notifications": bool(row.get("r_muting_n")),
                "requested": target.id in requested,
                "requested_by": target.id in requested_by,
                "domain_blocking": False,
                "endorsed": False,
                "note": "",
            }
        )
    return out
