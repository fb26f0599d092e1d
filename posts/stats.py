"""A profile's post count and the time of its newest post, kept on its row
(Profile.post_count and Profile.last_post_at, the Account entity's
statuses_count and last_status_at) so that showing them costs nothing however
many posts the profile has.

A post counts while it is neither deleted nor hidden. The actions that add or
take away such a post call `post_added` or `post_removed` in the same
transaction, after the change; the updates are relative (a count plus or minus
one, the newest time recomputed only when the post that went was the newest), so
two changes at once on PostgreSQL each land on the row in turn. `recount` sets
them from the rows themselves (after a restore, or to repair).
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import connection
from django.db.models import Case, Count, F, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest

from accounts.models import Follow, Profile
from posts.models import Post

COUNTED = Q(deleted_at__isnull=True, hidden_at__isnull=True)


def counts(post: Post) -> bool:
    """Whether the post is in its author's count."""
    return post.deleted_at is None and post.hidden_at is None


def post_added(post: Post) -> None:
    created = post.created_at
    # The ORM's relative update, written out (every post runs it): the count goes up
    # by one and last_post_at moves on unless a later post already moved it.
    moment = connection.ops.adapt_datetimefield_value(created)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Profile._meta.db_table} SET post_count = post_count + 1,"
            " last_post_at = CASE WHEN last_post_at IS NULL OR last_post_at < %s"
            " THEN %s ELSE last_post_at END WHERE id = %s",
            [moment, moment, post.author_id],
        )
    author = _loaded_author(post)
    if author is not None:  # the Status answered for the new post shows the new count
        author.post_count += 1
        if author.last_post_at is None or author.last_post_at < created:
            author.last_post_at = created


def post_removed(author_id: int, created_at: datetime, post: Post | None = None) -> None:
    """A post that counted was deleted or hidden (call after the change)."""
    newest = (
        Post.objects.filter(COUNTED, author_id=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    Profile.objects.filter(pk=author_id).update(
        post_count=Greatest(F("post_count") - 1, Value(0)),
        # Another post made meanwhile moved last_post_at on: then it stays.
        last_post_at=Case(
            When(last_post_at=created_at, then=Subquery(newest)), default=F("last_post_at")
        ),
    )
    author = _loaded_author(post) if post is not None else None
    if author is not None:
        author.refresh_from_db(fields=["post_count", "last_post_at"])


def _loaded_author(post: Post) -> Profile | None:
    return post.author if Post.author.is_cached(post) else None  # type: ignore[attr-defined]


def recount(profile_ids: Iterable[int] | None = None) -> int:
    """Set the counts of these profiles (all when None) from their posts and follows;
    the number of profiles whose counts were wrong."""
    profiles = Profile.objects.all()
    if profile_ids is not None:
        profiles = profiles.filter(pk__in=list(profile_ids))
    posts = Post.objects.filter(COUNTED, author_id=OuterRef("pk")).values("author_id")
    follows = Follow.objects.values("followee_id")
    expected = profiles.annotate(
        n_posts=Coalesce(Subquery(posts.annotate(n=Count("id")).values("n")), 0),
        newest=Subquery(posts.annotate(m=Max("created_at")).values("m")),
        n_followers=Coalesce(
            Subquery(
                follows.filter(followee_id=OuterRef("pk")).annotate(n=Count("id")).values("n")
            ),
            0,
        ),
        n_following=Coalesce(
            Subquery(
                Follow.objects.filter(follower_id=OuterRef("pk"))
                .values("follower_id")
                .annotate(n=Count("id"))
                .values("n")
            ),
            0,
        ),
    )
    wrong = 0
    for p in expected:
        now = (p.n_posts, p.newest, p.n_followers, p.n_following)
        if now != (p.post_count, p.last_post_at, p.follower_count, p.following_count):
            wrong += 1
            Profile.objects.filter(pk=p.pk).update(
                post_count=now[0],
                last_post_at=now[1],
                follower_count=now[2],
                following_count=now[3],
            )
    return wrong
