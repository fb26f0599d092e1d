"""Mastodon entities (Status, Account, Notification, Tag, Relationship) built from
hashchat's models.

Lists are built in batches with a fixed number of queries whatever their length
(`status_entities`, `account_entities`, `relationship_entities`). Output without a
viewer is deterministic (same post, same dict, same key order), so the streaming
layer can serialise an `update` once for every subscriber.
"""

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.db.models import Exists, F, OuterRef

from accounts.models import Block, Follow, Mute, Profile
from posts import parsing
from posts.models import Bookmark, Hashtag, Like, Mention, Notification, Post, TagFollow

HEADER_PATH = "/static/hashchat/mastodon-header.png"

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


def _base(base_url: str | None) -> str:
    return (base_url or settings.BASE_URL).rstrip("/")


def iso(moment: datetime | None) -> str | None:
    """Mastodon's timestamp format: UTC with milliseconds, e.g. 2026-11-28T12:00:00.000Z."""
    if moment is None:
        return None
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _absolute_links(html: str, base: str) -> str:
    """Post HTML links to /tags/... and /@... relative to the site; apps need absolute ones."""
    return html.replace('href="/', f'href="{base}/')


def profile_url(profile: Profile, base_url: str | None = None) -> str:
    return f"{_base(base_url)}/@{quote(profile.handle)}"


def status_url(post: Post, base_url: str | None = None) -> str:
    return f"{_base(base_url)}/@{quote(post.author.handle)}/{post.id}"


# ----- accounts -------------------------------------------------------------------------


def _placeholders(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def account_counts(profile_ids: Sequence[int]) -> dict[int, tuple[int, int, int, Any]]:
    """(followers, following, statuses, last status time) for each profile, in one
    query. Plain SQL: the ORM's compile time for four correlated subqueries cost
    more than running them."""
    if not profile_ids:
        return {}
    follow = Follow._meta.db_table
    post = Post._meta.db_table
    ids = list(profile_ids)
    sql = f"""
        SELECT p.id,
            (SELECT COUNT(*) FROM {follow} f WHERE f.followee_id = p.id),
            (SELECT COUNT(*) FROM {follow} f WHERE f.follower_id = p.id),
            (SELECT COUNT(*) FROM {post} s
                WHERE s.author_id = p.id AND s.deleted_at IS NULL AND s.hidden_at IS NULL),
            (SELECT MAX(s.created_at) FROM {post} s
                WHERE s.author_id = p.id AND s.deleted_at IS NULL AND s.hidden_at IS NULL)
        FROM {Profile._meta.db_table} p WHERE p.id IN ({_placeholders(ids)})
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
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
    return {**_account_fields(_ProfileKey.of(profile), base), **counts}


class _ProfileKey(tuple):
    """What an Account shows of a profile besides its counts; hashable, so the
    rendered fields (the bio's HTML, the avatar's address) are built once per
    version of the profile rather than once per status."""

    @classmethod
    def of(cls, p: Profile) -> "_ProfileKey":
        return cls(
            (p.id, p.handle, p.display_name, p.bio, p.website, p.location)
            + (str(p.avatar), p.created_at)
        )


@functools.lru_cache(maxsize=4096)
def _account_fields(key: _ProfileKey, base: str) -> dict:
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


# ----- statuses -------------------------------------------------------------------------


def with_status_joins(queryset, *, reposts: bool = True):
    """Join in what a Status needs: the author, the reposted post and its author, and
    the author of the post replied to (as `reply_author_id`, without loading that post)."""
    joins = ("author", "repost_of__author") if reposts else ("author",)
    return queryset.select_related(*joins).annotate(reply_author_id=F("in_reply_to__author_id"))


def status_queryset():
    """Posts with what a Status needs joined in."""
    return with_status_joins(Post.objects.all())


def status_entity(post: Post, *, viewer: Profile | None = None, base_url: str | None = None):
    """A complete Status; `viewer` adds favourited, reblogged, muted, bookmarked, pinned."""
    return status_entities([post], viewer=viewer, base_url=base_url)[0]


def new_status_entity(post: Post, *, viewer: Profile | None = None) -> dict:
    """The Status of a post just made by posts.actions.create_post, from what it
    hands back (its hashtags and mentions) instead of reading them again."""
    return status_entities([post], viewer=viewer, new=True)[0]


def status_entities(
    posts: Sequence[Post],
    *,
    viewer: Profile | None = None,
    base_url: str | None = None,
    new: bool = False,
) -> list[dict]:
    """Statuses for many posts with a fixed number of queries: hashtags, mentions,
    account counts, the viewer's flags, and reply targets not already joined in."""
    base = _base(base_url)
    posts = list(posts)
    everything: dict[int, Post] = {}
    for post in posts:
        everything[post.id] = post
        if post.repost_of_id is not None:
            everything[post.repost_of_id] = post.repost_of  # type: ignore[assignment]
    ids = list(everything)

    reply_authors: dict[int, int] = {}
    need_reply = []
    for post in everything.values():
        if post.in_reply_to_id is None:
            continue
        if getattr(post, "reply_author_id", None) is not None:
            reply_authors[post.in_reply_to_id] = post.reply_author_id  # type: ignore[attr-defined]
        elif Post.in_reply_to.is_cached(post):  # type: ignore[attr-defined]
            reply_authors[post.in_reply_to_id] = post.in_reply_to.author_id  # type: ignore[union-attr]
        else:
            need_reply.append(post.in_reply_to_id)
    if need_reply:
        reply_authors.update(Post.objects.filter(id__in=need_reply).values_list("id", "author_id"))

    # Hashtag names and mentioned (id, handle) per post: plain rows, not model
    # instances (a page of 40 statuses would otherwise build some 160 of them).
    tags: dict[int, list[str]] = defaultdict(list)
    mentions: dict[int, list[tuple[int, str]]] = defaultdict(list)
    # `new`: posts just returned by posts.actions.create_post, which carry their
    # hashtags and mentions; nobody can have liked, reposted or bookmarked them yet.
    fresh = set(everything) if new else set()
    for i in fresh:
        tags[i] = [t.name_lower for t in everything[i].created_hashtags]  # type: ignore[attr-defined]
        mentions[i] = [(p.id, p.handle) for p in everything[i].created_mentions]  # type: ignore[attr-defined]
    ids = [i for i in ids if i not in fresh]
    for _kind, post_id, profile_id, name in tags_and_mentions(ids):
        if profile_id is None:  # kind "t"
            tags[post_id].append(name)
        else:
            mentions[post_id].append((profile_id, name))

    counted = _counts_for({p.author_id: p.author for p in everything.values()}.values())
    accounts = {pid: _account(p, base) for pid, p in counted.items()}
    flags = viewer_flags(ids, viewer) if viewer is not None and ids else {}
    author_urls = {pid: profile_url(p, base) for pid, p in counted.items()}

    def build(post: Post) -> dict:
        author = post.author
        is_repost = post.repost_of_id is not None
        content = "" if is_repost else _absolute_links(post.html, base)
        url = f"{author_urls[author.id]}/{post.id}"
        entity: dict[str, Any] = {
            "id": str(post.id),
            "created_at": iso(post.created_at),
            "in_reply_to_id": str(post.in_reply_to_id) if post.in_reply_to_id else None,
            "in_reply_to_account_id": (
                str(reply_authors[post.in_reply_to_id])
                if post.in_reply_to_id in reply_authors
                else None
            ),
            "sensitive": False,
            "spoiler_text": "",
            "visibility": post.visibility,
            "language": post.language or None,
            "uri": url,
            "url": url,
            "replies_count": post.reply_count,
            "reblogs_count": post.repost_count,
            "favourites_count": post.like_count,
            "edited_at": iso(post.edited_at),
            "content": content,
            "reblog": build(post.repost_of) if is_repost else None,  # type: ignore[arg-type]
            "application": None,
            "account": accounts[author.id],
            "media_attachments": [],
            "mentions": [
                {
                    "id": str(profile_id),
                    "username": handle,
                    "url": f"{base}/@{quote(handle)}",
                    "acct": handle,
                }
                for profile_id, handle in mentions.get(post.id, [])
            ],
            "tags": [
                {"name": name, "url": f"{base}/tags/{quote(name)}"}
                for name in tags.get(post.id, [])
            ],
            "emojis": [],
            "card": None,
            "poll": None,
        }
        if viewer is not None:
            favourited, reblogged, bookmarked = flags.get(post.id, (False, False, False))
            entity.update(
                favourited=favourited,
                reblogged=reblogged,
                muted=False,
                bookmarked=bookmarked,
                pinned=False,
            )
        return entity

    return [build(p) for p in posts]


def tags_and_mentions(post_ids: list[int]) -> list[tuple[str, int, int | None, str]]:
    """("t", post id, None, hashtag) and ("m", post id, profile id, handle) rows for
    the posts, each kind in the order it was written; one query (plain SQL, as for
    the flags below)."""
    if not post_ids:
        return []
    marks = _placeholders(post_ids)
    sql = f"""
        SELECT 't', t.post_id, NULL, h.name_lower, t.id
            FROM {Post.hashtags.through._meta.db_table} t
            JOIN {Hashtag._meta.db_table} h ON h.id = t.hashtag_id
            WHERE t.post_id IN ({marks})
        UNION ALL SELECT 'm', m.post_id, m.profile_id, a.handle, m.id
            FROM {Mention._meta.db_table} m
            JOIN {Profile._meta.db_table} a ON a.id = m.profile_id
            WHERE m.post_id IN ({marks})
        ORDER BY 5
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*post_ids, *post_ids])
        return [row[:4] for row in cursor.fetchall()]


def viewer_flags(post_ids: list[int], viewer: Profile) -> dict[int, tuple[bool, bool, bool]]:
    """(favourited, reblogged, bookmarked) for each post id, in one query (plain SQL
    over the unique (profile, post) indexes)."""
    if not post_ids:
        return {}
    marks = _placeholders(post_ids)
    sql = f"""
        SELECT 'f', post_id FROM {Like._meta.db_table}
            WHERE profile_id = %s AND post_id IN ({marks})
        UNION ALL SELECT 'r', repost_of_id FROM {Post._meta.db_table}
            WHERE author_id = %s AND deleted_at IS NULL AND repost_of_id IN ({marks})
        UNION ALL SELECT 'b', post_id FROM {Bookmark._meta.db_table}
            WHERE profile_id = %s AND post_id IN ({marks})
    """
    ids = list(post_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, [viewer.id, *ids, viewer.id, *ids, viewer.id, *ids])
        marked: dict[str, set[int]] = {"f": set(), "r": set(), "b": set()}
        for kind, post_id in cursor.fetchall():
            marked[kind].add(post_id)
    return {pid: (pid in marked["f"], pid in marked["r"], pid in marked["b"]) for pid in post_ids}


def context_entity(ancestors, descendants, *, viewer=None, base_url=None) -> dict:
    built = status_entities([*ancestors, *descendants], viewer=viewer, base_url=base_url)
    return {"ancestors": built[: len(ancestors)], "descendants": built[len(ancestors) :]}


# ----- notifications, tags, relationships ------------------------------------------------


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
    actors = {n.actor_id: n.actor for n in notifications if n.actor_id is not None}
    counted = _counts_for(actors.values())  # type: ignore[arg-type]
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
            "account": _account(counted[n.actor_id], base) if n.actor_id else None,
        }
        if n.post_id is not None:
            entity["status"] = statuses.get(str(n.post_id))
        out.append(entity)
    return out


def tag_entity(
    tag: Hashtag | str, *, viewer: Profile | None = None, base_url: str | None = None
) -> dict:
    """A Tag; with a viewer, says whether the viewer follows it (one query)."""
    name = tag.name_lower if isinstance(tag, Hashtag) else tag.lstrip("#").lower()
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
    out = []
    for target in targets:
        row: Any = rows.get(target.id, {})
        out.append(
            {
                "id": str(target.id),
                "following": bool(row.get("r_following")),
                "showing_reblogs": bool(row.get("r_following")),
                "notifying": False,
                "languages": None,
                "followed_by": bool(row.get("r_followed_by")),
                "blocking": bool(row.get("r_blocking")),
                "blocked_by": bool(row.get("r_blocked_by")),
                "muting": bool(row.get("r_muting")),
                "muting_notifications": bool(row.get("r_muting_n")),
                "requested": False,
                "requested_by": False,
                "domain_blocking": False,
                "endorsed": False,
                "note": "",
            }
        )
    return out
