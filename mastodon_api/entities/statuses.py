"""Status entities, built in batches with a fixed number of queries."""

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from django.db import connection
from django.db.models import F

from accounts.models import Profile
from core.sqlrows import in_list
from mastodon_api.entities.accounts import _account
from mastodon_api.entities.base import _absolute_links, _base, iso, profile_url
from posts.models import Bookmark, Hashtag, Like, Mention, Post


def remote_media(post: Post) -> list[dict]:
    """A remote post's attachments as Mastodon's MediaAttachment: hashchat keeps no
    copy, so `url` and `remote_url` are both the remote server's, and the type is
    "unknown" unless its server said image, video or audio."""
    found = []
    for n, item in enumerate(post.remote_attachments or []):
        width, height = item.get("width"), item.get("height")
        meta = {"original": {"width": width, "height": height}} if width and height else {}
        found.append(
            {
                "id": f"{post.id}-{n}",
                "type": item.get("type") or "unknown",
                "url": item["url"],
                "preview_url": item["url"] if item.get("type") == "image" else None,
                "remote_url": item["url"],
                "meta": meta,
                "description": item.get("description") or None,
                "blurhash": item.get("blurhash") or None,
            }
        )
    return found


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


class _StatusParts:
    """What a Status shows of its post alone (text, counts, hashtags, mentions,
    links), kept for the posts this process served lately. The key holds every
    field those depend on that can change (an edit sets edited_at; the counts);
    handles never change and a post's hashtags and mentions change only with an
    edit, so a kept part is never out of date. The account, the reblogged status
    and the viewer's flags are added fresh on every request. Parts are shared:
    never change one in place; their lists are tuples, which says so.

    Kept parts live long, so Python's cycle collector walks them in every full
    collection, and its pauses hold up every thread of the process. Tuples keep a
    part's share small: an empty one (most posts' mentions, attachments and emojis)
    is not walked at all. 5,000 parts hold a busy chat's hour; at 20,000, with lists,
    full collections took 60 to 90 ms and set the p99 of pages at a million posts
    (docs/performance.md, "Pauses of the cycle collector")."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[tuple, dict] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> dict | None:
        with self.lock:
            part = self.items.get(key)
            if part is not None:
                self.items.move_to_end(key)
            return part

    def put(self, key: tuple, part: dict) -> None:
        with self.lock:
            self.items[key] = part
            if len(self.items) > self.size:
                self.items.popitem(last=False)


_PARTS = _StatusParts(5_000)


def _part_key(post: Post, base: str) -> tuple:
    return (
        post.id,
        post.edited_at,
        post.reply_count,
        post.repost_count,
        post.like_count,
        post.visibility,
        base,
    )


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

    # What a Status shows of the post itself, kept from earlier requests while the
    # post is unchanged (see _StatusParts); only the posts not kept need their
    # hashtags and mentions read.
    keys = {pid: _part_key(post, base) for pid, post in everything.items()}
    parts = {pid: part for pid, key in keys.items() if (part := _PARTS.get(key)) is not None}
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
    unknown = [i for i in ids if i not in parts]
    for _kind, post_id, profile_id, name in tags_and_mentions(unknown):
        if profile_id is None:  # kind "t"
            tags[post_id].append(name)
        else:
            mentions[post_id].append((profile_id, name))

    authors = {p.author_id: p.author for p in everything.values()}
    accounts = {pid: _account(p, base) for pid, p in authors.items()}
    flags: dict[int, tuple[bool, bool, bool]] = {}
    if viewer is not None and ids:
        # posts.tag_timeline reads the viewer's flags with the page itself.
        flags = {i: f for i in ids if (f := getattr(everything[i], "viewer_flags", None))}
        if rest := [i for i in ids if i not in flags]:
            flags.update(viewer_flags(rest, viewer))
    author_urls = {pid: profile_url(p, base) for pid, p in authors.items()}

    def own_part(post: Post) -> dict:
        part = parts.get(post.id)
        if part is not None:
            return part
        is_repost = post.repost_of_id is not None
        if post.local:
            url = uri = f"{author_urls[post.author_id]}/{post.id}"
        else:
            url, uri = post.url or post.uri or "", post.uri or post.url
        part = {
            "id": str(post.id),
            "created_at": iso(post.created_at),
            "in_reply_to_id": str(post.in_reply_to_id) if post.in_reply_to_id else None,
            "in_reply_to_account_id": (
                str(reply_authors[post.in_reply_to_id])
                if post.in_reply_to_id in reply_authors
                else None
            ),
            "sensitive": post.sensitive,
            "spoiler_text": post.spoiler_text,
            "visibility": post.visibility,
            "language": post.language or None,
            "uri": uri,
            "url": url,
            "replies_count": post.reply_count,
            "reblogs_count": post.repost_count,
            "favourites_count": post.like_count,
            "edited_at": iso(post.edited_at),
            "content": "" if is_repost else _absolute_links(post.html, base),
            "application": None,
            "media_attachments": tuple(remote_media(post)),
            "mentions": tuple(
                {
                    "id": str(profile_id),
                    "username": handle,
                    "url": f"{base}/@{quote(handle)}",
                    "acct": handle,
                }
                for profile_id, handle in mentions.get(post.id, [])
            ),
            "tags": tuple(
                {"name": name, "url": f"{base}/tags/{quote(name)}"}
                for name in tags.get(post.id, [])
            ),
            "emojis": (),
            "card": None,
            "poll": None,
        }
        _PARTS.put(keys[post.id], part)
        return part

    def build(post: Post) -> dict:
        is_repost = post.repost_of_id is not None
        entity: dict[str, Any] = {
            **own_part(post),
            "reblog": build(post.repost_of) if is_repost else None,  # type: ignore[arg-type]
            "account": accounts[post.author_id],
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
    tagged, tag_params = in_list("t.post_id", post_ids)
    mentioned, mention_params = in_list("m.post_id", post_ids)
    sql = f"""
        SELECT 't', t.post_id, NULL, h.name_lower, t.id
            FROM {Post.hashtags.through._meta.db_table} t
            JOIN {Hashtag._meta.db_table} h ON h.id = t.hashtag_id
            WHERE {tagged}
        UNION ALL SELECT 'm', m.post_id, m.profile_id, a.handle, m.id
            FROM {Mention._meta.db_table} m
            JOIN {Profile._meta.db_table} a ON a.id = m.profile_id
            WHERE {mentioned}
        ORDER BY 5
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*tag_params, *mention_params])
        return [row[:4] for row in cursor.fetchall()]


def viewer_flags(post_ids: list[int], viewer: Profile) -> dict[int, tuple[bool, bool, bool]]:
    """(favourited, reblogged, bookmarked) for each post id, in one query (plain SQL
    over the unique (profile, post) indexes)."""
    if not post_ids:
        return {}
    liked, params = in_list("post_id", post_ids)
    reposted, _ = in_list("repost_of_id", post_ids)
    sql = f"""
        SELECT 'f', post_id FROM {Like._meta.db_table}
            WHERE profile_id = %s AND {liked}
        UNION ALL SELECT 'r', repost_of_id FROM {Post._meta.db_table}
            WHERE author_id = %s AND deleted_at IS NULL AND {reposted}
        UNION ALL SELECT 'b', post_id FROM {Bookmark._meta.db_table}
            WHERE profile_id = %s AND {liked}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [viewer.id, *params, viewer.id, *params, viewer.id, *params])
        marked: dict[str, set[int]] = {"f": set(), "r": set(), "b": set()}
        for kind, post_id in cursor.fetchall():
            marked[kind].add(post_id)
    return {pid: (pid in marked["f"], pid in marked["r"], pid in marked["b"]) for pid in post_ids}


def context_entity(ancestors, descendants, *, viewer=None, base_url=None) -> dict:
    built = status_entities([*ancestors, *descendants], viewer=viewer, base_url=base_url)
    return {"ancestors": built[: len(ancestors)], "descendants": built[len(ancestors) :]}


# ----- notifications, tags, relationships ------------------------------------------------
