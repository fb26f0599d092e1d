"""Writes that react to a post: like, repost, bookmark. Each
validates, writes in one transaction and publishes live events after commit."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Block, Profile, User
from accounts.permissions import check_act_as, login_of
from core.errors import InvalidInput, NotAllowed, NotFound
from live.publish import publish_on_commit
from posts import signals, stats
from posts.models import Bookmark, Hashtag, Like, Post
from posts.notifications import notify
from posts.publishing import post_streams, publish_counts


def _visible_target(post: Post) -> Post:
    if post.is_repost:
        post = post.repost_of  # type: ignore[assignment]
    if post.is_deleted or post.hidden_at is not None:
        raise NotFound("This post has been deleted.")
    return post


def like(*, user: User, profile: Profile, post: Post) -> Like:
    check_act_as(user, profile)
    post = _visible_target(post)
    if Block.objects.filter(profile=post.author, target=profile).exists():
        raise NotAllowed(f"@{post.author.handle} has blocked @{profile.handle}.")
    with transaction.atomic():
        row, created = Like.objects.get_or_create(profile=profile, post=post)
        if created:
            Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
            notify(recipient=post.author, kind="like", actor=profile, post=post)
            publish_counts(post.pk)
            signals.send_on_commit(signals.post_liked, profile=profile, post=post)
    return row


def unlike(*, user: User, profile: Profile, post: Post) -> None:
    check_act_as(user, profile)
    if post.is_repost:
        post = post.repost_of  # type: ignore[assignment]
    with transaction.atomic():
        deleted, _ = Like.objects.filter(profile=profile, post=post).delete()
        if deleted:
            Post.objects.filter(pk=post.pk, like_count__gt=0).update(like_count=F("like_count") - 1)
            publish_counts(post.pk)
            signals.send_on_commit(signals.post_unliked, profile=profile, post=post)


def repost(*, user: User, profile: Profile, post: Post) -> Post:
    """Repost as `profile`; reposting twice returns the first repost."""
    check_act_as(user, profile)
    post = _visible_target(post)
    if post.visibility != Post.Visibility.PUBLIC:
        raise InvalidInput("Only public posts can be reposted.")
    if Block.objects.filter(profile=post.author, target=profile).exists():
        raise NotAllowed(f"@{post.author.handle} has blocked @{profile.handle}.")
    existing = Post.objects.filter(author=profile, repost_of=post, deleted_at__isnull=True).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            row = Post.objects.create(
                author=profile,
                created_by=login_of(user),
                repost_of=post,
                created_at=timezone.now(),
                local=not profile.is_remote,
            )
            row.thread_root_id = row.id
            row.save(update_fields=["thread_root"])
            stats.post_added(row)
            Post.objects.filter(pk=post.pk).update(repost_count=F("repost_count") + 1)
            notify(recipient=post.author, kind="repost", actor=profile, post=post)
            publish_counts(post.pk)
    except IntegrityError:
        return Post.objects.get(author=profile, repost_of=post, deleted_at__isnull=True)
    tags = list(post.hashtags.values_list("name", flat=True))
    publish_on_commit(post_streams(row, tags), {"type": "post.created", "post_id": str(row.id)})
    signals.send_on_commit(signals.post_reposted, repost=row)
    return row


def undo_repost(row: Post) -> Post:
    original_id = int(row.repost_of_id or 0)
    tags = list(Hashtag.objects.filter(posts__id=original_id).values_list("name", flat=True))
    row_id = row.id
    with transaction.atomic():
        deleted, _ = row.delete()
        if deleted and stats.counts(row):
            stats.post_removed(row.author_id, row.created_at, row)
        Post.objects.filter(pk=original_id, repost_count__gt=0).update(
            repost_count=F("repost_count") - 1
        )
        publish_counts(original_id)
    row.id = row_id
    publish_on_commit(post_streams(row, tags), {"type": "post.deleted", "post_id": str(row_id)})
    signals.send_on_commit(signals.repost_undone, repost=row)
    return row


def unrepost(*, user: User, profile: Profile, post: Post) -> None:
    check_act_as(user, profile)
    if post.is_repost:
        post = post.repost_of  # type: ignore[assignment]
    row = Post.objects.filter(author=profile, repost_of=post).first()
    if row is not None:
        undo_repost(row)


def bookmark(*, user: User, profile: Profile, post: Post) -> Bookmark:
    check_act_as(user, profile)
    post = _visible_target(post)
    row, _ = Bookmark.objects.get_or_create(profile=profile, post=post)
    return row


def unbookmark(*, user: User, profile: Profile, post: Post) -> None:
    check_act_as(user, profile)
    if post.is_repost:
        post = post.repost_of  # type: ignore[assignment]
    Bookmark.objects.filter(profile=profile, post=post).delete()
