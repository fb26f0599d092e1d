"""The hashtag timeline page in plain SQL: the read every app polls during a chat.

Same rules as `Post.objects.visible().public()` filtered by hashtag (not deleted,
not hidden, author not suspended, public), less the viewer's hidden authors,
newest first. Django took longer to build and compile the equivalent queryset
than the database took to run it, so it is written out once here; the tests run
both side by side (tests/posts/test_tag_timeline.py) and docs/performance.md has the
figures.

    posts = tag_page(TagQuery(any=["auslibchat"]), limit=40, max_id=...)

Each Post comes with its author loaded and `reply_author_id` (the author of the
post it replies to) set, as `mastodon_api.entities.with_status_joins` gives; with
a viewer, `viewer_flags` (liked, reposted, bookmarked by the viewer) too, read in
the same query.
"""

import functools
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connection, connections

from accounts.models import Block, Mute, Profile
from core.sqlrows import Selection, in_list
from posts.models import Hashtag, Post
from posts.status_rows import AUTHOR, flags_at, viewer_flags_sql


@dataclass
class TagQuery:
    """Posts with any of `any`, every one of `all`, none of `none` (lower-case
    names without '#'), and not by the authors in `hidden`. With a `viewer`
    (a profile id), also not by the authors it blocks or mutes or that block it,
    and each post carries the viewer's flags."""

    any: list[str]
    all: list[str] = field(default_factory=list)
    none: list[str] = field(default_factory=list)
    hidden: list[int] = field(default_factory=list)
    viewer: int | None = None


# The profiles whose posts a viewer's timelines leave out: those it blocks or mutes
# and those that block it (parameters: the viewer's id, three times).
HIDDEN_AUTHORS_SQL = (
    f"SELECT target_id FROM {Block._meta.db_table} WHERE profile_id = %s "
    f"UNION SELECT profile_id FROM {Block._meta.db_table} WHERE target_id = %s "
    f"UNION SELECT target_id FROM {Mute._meta.db_table} WHERE profile_id = %s"
)


@functools.cache
def _selections() -> tuple[Selection, Selection]:
    return Selection(Post, "p"), Selection(Profile, "a")


def _tagged(names: list[str], bounds: str, bound_params: list) -> tuple[str, list]:
    """A test of post p: it has any of the hashtags `names`. Correlated, so that the
    database looks up the page's posts only, not every post with the hashtag (a
    hashed `p.id IN (...)` read some 80,000 tag rows per page at a million posts),
    with the page's `bounds` on the tag's rows repeated for the same reason as the
    main tag test's."""
    named, params = in_list("h.name_lower", names)
    through, tags = Post.hashtags.through._meta.db_table, Hashtag._meta.db_table
    sql = (
        f"EXISTS (SELECT 1 FROM {through} t JOIN {tags} h ON h.id = t.hashtag_id"
        f" WHERE t.post_id = p.id{bounds} AND {named})"
    )
    return sql, [*bound_params, *params]


def tag_page(
    query: TagQuery,
    *,
    limit: int,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
) -> list[Post]:
    """One page of the tag timeline, newest first (min_id: the page just newer
    than min_id). One query."""
    if not query.any:
        return []
    post, author = _selections()
    through = Post.hashtags.through._meta.db_table
    tags = Hashtag._meta.db_table
    wanted, wanted_params = in_list("h.name_lower", query.any)
    # The tag test is a correlated EXISTS: the database walks posts newest first by
    # primary key and stops after one page (see docs/performance.md). The page's
    # bounds are repeated on the tagged side: PostgreSQL may merge the posts with the
    # tag's rows, and would otherwise read every tagged post newer than the page first
    # (600,000 rows for an old page at a million posts).
    cursor_tests = [
        (value, test)
        for value, test in ((max_id, "< %s"), (since_id, "> %s"), (min_id, "> %s"))
        if value is not None
    ]
    bounds = "".join(f" AND t.post_id {test}" for _, test in cursor_tests)
    bound_params = [value for value, _ in cursor_tests]
    where = [
        "p.deleted_at IS NULL",
        "p.hidden_at IS NULL",
        "a.is_suspended = %s",
        "p.visibility = %s",
        f"EXISTS (SELECT 1 FROM {through} t WHERE t.post_id = p.id{bounds} AND t.hashtag_id"
        f" IN (SELECT h.id FROM {tags} h WHERE {wanted}))",
    ]
    params: list = [False, Post.Visibility.PUBLIC, *bound_params, *wanted_params]
    for name in query.all:
        every, every_params = _tagged([name], bounds, bound_params)
        where.append(every)
        params.extend(every_params)
    if query.none:
        excluded, excluded_params = _tagged(query.none, bounds, bound_params)
        where.append(f"NOT {excluded}")
        params.extend(excluded_params)
    if query.hidden:
        hidden, hidden_params = in_list("p.author_id", query.hidden)
        where.append(f"NOT ({hidden})")
        params.extend(hidden_params)
    flags = ""
    flag_params: list = []
    if query.viewer is not None:
        where.append(f"p.author_id NOT IN ({HIDDEN_AUTHORS_SQL})")
        params.extend([query.viewer] * 3)
        flags = viewer_flags_sql("p")
        flag_params = [query.viewer] * 3
    for value, test in cursor_tests:
        where.append(f"p.id {test}")
        params.append(value)
    order = "ASC" if min_id is not None else "DESC"
    sql = (
        f"SELECT {post.sql}, {author.sql}, r.author_id{flags} "
        f"FROM {Post._meta.db_table} p "
        f"JOIN {Profile._meta.db_table} a ON a.id = p.author_id "
        f"LEFT JOIN {Post._meta.db_table} r ON r.id = p.in_reply_to_id "
        f"WHERE {' AND '.join(where)} ORDER BY p.id {order} LIMIT %s"
    )
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*flag_params, *params])
        rows = cursor.fetchall()
    posts = []
    authors: dict[int, Profile] = {}
    conn = connections[DEFAULT_DB_ALIAS]
    for row in rows:
        item = post.instance(row, 0, conn)
        if item.author_id not in authors:
            authors[item.author_id] = author.instance(row, post.width, conn)
        AUTHOR.set_cached_value(item, authors[item.author_id])
        item.reply_author_id = row[post.width + author.width]
        if query.viewer is not None:
            item.viewer_flags = flags_at(row, len(row) - 3)
        posts.append(item)
    if min_id is not None:
        posts.reverse()
    return posts
