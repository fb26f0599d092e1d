"""Posts with everything a status shows, read in one plain SQL query: the reads a chat
repeats most (a single status, the home timeline, a thread).

Django took longer to build and compile these querysets than the database took to
run them, and the ORM's `pk__in` and multi-valued `exclude` subqueries made SQLite
visit every post of the table for a single status (about 45 ms at 10,000 posts,
growing with the table; docs/performance.md). Each query here walks an index and
stops after the rows it needs. The rules are the ORM's, written out once; the tests
run both side by side (tests/posts/test_status_rows.py).

Each Post comes with `author` loaded and `reply_author_id` set (as
`mastodon_api.entities.with_status_joins` gives), a repost with `repost_of` (and its
author and reply author) loaded, and with a viewer, `viewer_flags` (liked, reposted,
bookmarked) on the post and on the reposted post.
"""

import functools

from django.db import DEFAULT_DB_ALIAS, connection, connections

from accounts.models import Block, Follow, Mute, Profile
from core.sqlrows import Selection, in_list
from posts.models import Bookmark, Like, Notification, Post, TagFollow

POSTS = Post._meta.db_table
# A row's joined posts and profiles go into the foreign keys' caches, as select_related
# leaves them (the key columns came with the row): assigning through the descriptor
# checked each value's type and database routing again, a tenth of reading a page.
AUTHOR = Post._meta.get_field("author")
REPOST_OF = Post._meta.get_field("repost_of")
PROFILES = Profile._meta.db_table
THROUGH = Post.hashtags.through._meta.db_table

# Not deleted, not hidden by a moderator, author not suspended (PostQuerySet.visible);
# parameter: False.
VISIBLE = "p.deleted_at IS NULL AND p.hidden_at IS NULL AND a.is_suspended = %s"
# A repost whose original was deleted or hidden is left out (with_live_originals).
LIVE_ORIGINAL = "(p.repost_of_id IS NULL OR (o.deleted_at IS NULL AND o.hidden_at IS NULL))"
# Authors the viewer blocks or mutes (PostQuerySet.not_hidden_for); parameters: viewer twice.
BLOCKED_OR_MUTED = (
    f"p.author_id NOT IN (SELECT target_id FROM {Block._meta.db_table} WHERE profile_id = %s"
    f" UNION SELECT target_id FROM {Mute._meta.db_table} WHERE profile_id = %s)"
)


@functools.cache
def _selections() -> tuple[Selection, Selection, Selection, Selection]:
    post, profile = Selection(Post, "p"), Selection(Profile, "a")
    return post, profile, Selection(Post, "o"), Selection(Profile, "oa")


def viewer_flags_sql(alias: str) -> str:
    """Three columns: whether the viewer (three parameters) liked, reposted and
    bookmarked the post under `alias`.

    Each is a scalar subquery looked up for the page's rows alone. Written as EXISTS,
    PostgreSQL may instead read every like, repost or bookmark the viewer ever made
    into a hash table before the first row: at a million posts, a viewer with 25,000
    posts made the home and tag pages take 78 and 34 ms instead of under one
    (docs/performance.md)."""
    like, bookmark = Like._meta.db_table, Bookmark._meta.db_table
    return (
        f", (SELECT 1 FROM {like} l WHERE l.post_id = {alias}.id AND l.profile_id = %s"
        " LIMIT 1) IS NOT NULL"
        f", (SELECT 1 FROM {POSTS} b WHERE b.repost_of_id = {alias}.id AND b.author_id = %s"
        " AND b.deleted_at IS NULL LIMIT 1) IS NOT NULL"
        f", (SELECT 1 FROM {bookmark} k WHERE k.post_id = {alias}.id AND k.profile_id = %s"
        " LIMIT 1) IS NOT NULL"
    )


def flags_at(row, at: int) -> tuple[bool, bool, bool]:
    """The viewer's flags (liked, reposted, bookmarked) in row[at : at + 3]."""
    return bool(row[at]), bool(row[at + 1]), bool(row[at + 2])


def read(
    where: list[str],
    params: list,
    *,
    viewer: int | None,
    order: str = "p.id DESC",
    limit: int | None = None,
    source: tuple[str, list] | None = None,
    reposts: bool = True,
) -> list[Post]:
    """The posts matching every condition of `where` (SQL over the aliases p: the post,
    a: its author, o: the reposted post, oa: its author), in `order`. One query.

    `source`: SQL giving the candidate post ids (column `id`) and its parameters, read
    first, when they are few among many posts (a chat's posts): the database then
    looks up those posts rather than walking the whole table in order.
    `reposts=False`: the conditions leave reposts out (a thread), so the reposted
    post's columns are not read (half of every row, all NULL)."""
    post, author, original, original_author = _selections()
    flags = ""
    flag_params: list = []
    if viewer is not None:
        flags = viewer_flags_sql("p") + (viewer_flags_sql("o") if reposts else "")
        flag_params = [viewer] * (6 if reposts else 3)
    reposted = f" {original.sql}, {original_author.sql}, orr.author_id," if reposts else ""
    reposted_joins = (
        f" LEFT JOIN {POSTS} o ON o.id = p.repost_of_id"
        f" LEFT JOIN {PROFILES} oa ON oa.id = o.author_id"
        f" LEFT JOIN {POSTS} orr ON orr.id = o.in_reply_to_id"
        if reposts
        else ""
    )
    joins = (
        f" JOIN {PROFILES} a ON a.id = p.author_id"
        f" LEFT JOIN {POSTS} r ON r.id = p.in_reply_to_id{reposted_joins}"
    )
    conditions = " AND ".join(where) or "1 = 1"
    if source is not None and limit is not None:
        # The candidates must be sorted before the limit applies: pick the page's ids
        # first, then read whole rows (and the viewer's flags) for those alone, not
        # for every candidate the sort holds (a chat's hundreds of posts).
        page = (
            f"SELECT p.id FROM ({source[0]}) s JOIN {POSTS} p ON p.id = s.id{joins}"
            f" WHERE {conditions} ORDER BY {order} LIMIT %s"
        )
        source = (page, [*source[1], *params, limit])
        conditions, params, limit = "1 = 1", [], None
    sql = (
        f"SELECT {post.sql}, {author.sql}, r.author_id,{reposted} 0{flags}"
        f" FROM {f'({source[0]}) c JOIN {POSTS} p ON p.id = c.id' if source else f'{POSTS} p'}"
        f"{joins} WHERE {conditions} ORDER BY {order}"
    )
    all_params = [*flag_params, *(source[1] if source else []), *params]
    if limit is not None:
        sql += " LIMIT %s"
        all_params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, all_params)
        rows = cursor.fetchall()
    conn = connections[DEFAULT_DB_ALIAS]
    profiles: dict[int, Profile] = {}

    def profile_at(row, start: int, selection: Selection) -> Profile:
        pk = row[start + selection.pk_index]
        if pk not in profiles:
            profiles[pk] = selection.instance(row, start, conn)
        return profiles[pk]

    at_original = post.width + author.width + 1
    at_original_author = at_original + original.width
    # The flags follow a constant 0 (after the reposted post's reply author, if read).
    at_flags = (at_original_author + original_author.width + 2) if reposts else at_original + 1
    out = []
    for row in rows:
        item = post.instance(row, 0, conn)
        AUTHOR.set_cached_value(item, profile_at(row, post.width, author))
        item.reply_author_id = row[post.width + author.width]
        if viewer is not None:
            item.viewer_flags = flags_at(row, at_flags)
        if reposts and item.repost_of_id is not None:
            original_post = original.instance(row, at_original, conn)
            AUTHOR.set_cached_value(
                original_post, profile_at(row, at_original_author, original_author)
            )
            original_post.reply_author_id = row[at_flags - 2]
            if viewer is not None:
                original_post.viewer_flags = flags_at(row, at_flags + 3)
            REPOST_OF.set_cached_value(item, original_post)
        out.append(item)
    return out


def readable(post_id: int, viewer: Profile | None) -> Post | None:
    """The post, if a viewer may open it: visible, and not by a profile that blocks the
    viewer (as `mastodon_api.views.common.readable_posts`)."""
    where = ["p.id = %s", VISIBLE]
    params: list = [post_id, False]
    if viewer is not None:
        where.append(
            f"NOT EXISTS (SELECT 1 FROM {Block._meta.db_table} x"
            " WHERE x.profile_id = p.author_id AND x.target_id = %s)"
        )
        params.append(viewer.id)
    found = read(where, params, viewer=viewer.id if viewer is not None else None)
    return found[0] if found else None


def home_page(
    viewer: Profile,
    *,
    limit: int,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
) -> list[Post]:
    """A page of the home timeline (PostQuerySet.home_feed), newest first: posts and
    reposts by the profiles the viewer follows and by itself, and public posts with
    the hashtags it follows, less authors it blocks or mutes."""
    followed = f"SELECT followee_id FROM {Follow._meta.db_table} WHERE follower_id = %s"
    # A scalar subquery looked up post by post, not EXISTS: PostgreSQL would read every
    # post ever tagged with a followed hashtag into a hash table first (83,000 of them
    # at a million posts; viewer_flags_sql).
    tagged = (
        f"(SELECT 1 FROM {THROUGH} t JOIN {TagFollow._meta.db_table} tf"
        " ON tf.hashtag_id = t.hashtag_id WHERE t.post_id = p.id AND tf.profile_id = %s"
        " LIMIT 1) IS NOT NULL"
    )
    where = [
        VISIBLE,
        LIVE_ORIGINAL,
        f"(p.author_id = %s OR p.author_id IN ({followed}) OR (p.visibility = %s AND {tagged}))",
        BLOCKED_OR_MUTED,
    ]
    params: list = [False, viewer.id, viewer.id, Post.Visibility.PUBLIC, viewer.id]
    params += [viewer.id, viewer.id]
    for value, test in ((max_id, "p.id < %s"), (since_id, "p.id > %s"), (min_id, "p.id > %s")):
        if value is not None:
            where.append(test)
            params.append(value)
    order = "p.id ASC" if min_id is not None else "p.id DESC"
    posts = read(where, params, viewer=viewer.id, order=order, limit=limit)
    if min_id is not None:
        posts.reverse()
    return posts


def thread_rows(root_id: int, viewer: Profile | None) -> list[Post]:
    """Every original post of a thread, oldest first, less authors the viewer blocks
    or mutes (hidden and deleted posts included: the caller leaves them out after
    arranging the thread, so that their replies keep their place)."""
    where = ["(p.thread_root_id = %s OR p.id = %s)", "p.repost_of_id IS NULL"]
    params: list = [root_id, root_id]
    if viewer is not None:
        where.append(BLOCKED_OR_MUTED)
        params += [viewer.id, viewer.id]
    viewer_id = viewer.id if viewer is not None else None
    return read(where, params, viewer=viewer_id, order="p.id ASC", reposts=False)


@functools.cache
def _notification_selections() -> tuple[Selection, Selection]:
    return Selection(Notification, "n"), Selection(Profile, "ac")


def notification_page(
    recipient: Profile,
    *,
    kinds: list[str],
    excluded: list[str] | None = None,
    actor_id: int | None = None,
    limit: int,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
) -> list[Notification]:
    """A page of a profile's notifications (not dismissed, of `kinds`, less `excluded`),
    newest first, each with `actor` and `post` loaded, the posts as `read` gives them
    (NotificationQuerySet.for_profile with its select_related). Two queries."""
    if not kinds:
        return []
    notification, actor = _notification_selections()
    wanted, wanted_params = in_list("n.kind", kinds)
    where = ["n.recipient_id = %s", "n.dismissed_at IS NULL", wanted]
    params: list = [recipient.id, *wanted_params]
    if excluded:
        unwanted, unwanted_params = in_list("n.kind", list(excluded))
        where.append(f"NOT ({unwanted})")
        params += unwanted_params
    for value, test in (
        (actor_id, "n.actor_id = %s"),
        (max_id, "n.id < %s"),
        (since_id, "n.id > %s"),
        (min_id, "n.id > %s"),
    ):
        if value is not None:
            where.append(test)
            params.append(value)
    order = "ASC" if min_id is not None else "DESC"
    sql = (
        f"SELECT {notification.sql}, {actor.sql} FROM {Notification._meta.db_table} n"
        f" LEFT JOIN {PROFILES} ac ON ac.id = n.actor_id"
        f" WHERE {' AND '.join(where)} ORDER BY n.id {order} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        rows = cursor.fetchall()
    conn = connections[DEFAULT_DB_ALIAS]
    of_actor, of_post = Notification._meta.get_field("actor"), Notification._meta.get_field("post")
    items = []
    # One instance per actor, as `read` does for authors: a page's notifications
    # mostly come from a few profiles.
    actors: dict[int, Profile | None] = {}
    for row in rows:
        item = notification.instance(row, 0, conn)
        actor_id = row[notification.width + actor.pk_index]
        if actor_id not in actors:
            actors[actor_id] = actor.instance(row, notification.width, conn)
        of_actor.set_cached_value(item, actors[actor_id])
        items.append(item)
    post_ids = sorted({n.post_id for n in items if n.post_id is not None})
    if post_ids:
        listed, listed_params = in_list("p.id", post_ids)
        posts = {p.id: p for p in read([listed], listed_params, viewer=recipient.id)}
        for item in items:
            if item.post_id is not None:
                of_post.set_cached_value(item, posts[item.post_id])
    if min_id is not None:
        items.reverse()
    return items
