"""Removing what remote profiles stored here, when an admin blocks their domain
(federation.moderation calls this): their posts go, and the counts their likes,
reposts and replies added to other posts are taken back."""

from django.db import transaction
from django.db.models import F

from accounts.models import Profile
from posts.models import Like, Post
from posts.publishing import publish_counts


def purge_posts_of(profiles: list[Profile]) -> int:
    """Delete every post, repost and like of these remote profiles; answer how many
    posts went."""
    if any(not p.is_remote for p in profiles):
        raise ValueError("Only remote profiles' posts are purged.")
    ids = [p.id for p in profiles]
    with transaction.atomic():
        touched: set[int] = set()
        for post_id in Like.objects.filter(profile_id__in=ids).values_list("post_id", flat=True):
            Post.objects.filter(pk=post_id, like_count__gt=0).update(like_count=F("like_count") - 1)
            touched.add(post_id)
        Like.objects.filter(profile_id__in=ids).delete()
        theirs = Post.objects.filter(author_id__in=ids)
        for original in theirs.filter(repost_of__isnull=False).values_list(
            "repost_of_id", flat=True
        ):
            Post.objects.filter(pk=original, repost_count__gt=0).update(
                repost_count=F("repost_count") - 1
            )
            touched.add(original)
        parents = (
            theirs.filter(in_reply_to__isnull=False, deleted_at__isnull=True)
            .exclude(in_reply_to__author_id__in=ids)
            .values_list("in_reply_to_id", flat=True)
        )
        for parent in parents:
            Post.objects.filter(pk=parent, reply_count__gt=0).update(
                reply_count=F("reply_count") - 1
            )
            touched.add(parent)
        count, _ = theirs.filter(repost_of__isnull=True).delete()
        theirs.delete()
        for post_id in touched - set(ids):
            publish_counts(post_id)
    return count
