"""Hosts hide posts from their event's conversation."""

from django.db import transaction
from django.utils import timezone

from accounts.models import Profile, User
from accounts.permissions import check_act_as
from chats import signals
from chats.models import ChatPost, Event
from chats.permissions import is_host_profile
from core.errors import NotAllowed, NotFound
from live.publish import publish_on_commit
from posts import stats
from posts.models import Post
from posts.publishing import post_streams


def hide_post(*, user: User, profile: Profile, event: Event, post: Post) -> Post:
    """Hide `post` (a post of `event`) as `profile`, a host of the event's series. It
    leaves the room, timelines and the transcript; its row and text stay."""
    check_act_as(user, profile)
    if not is_host_profile(profile, event.series):
        raise NotAllowed(f"@{profile.handle} is not a host of #{event.series.hashtag}.")
    if not ChatPost.objects.filter(post=post, event=event).exists():
        raise NotFound("That post is not part of this event.")
    if post.hidden_at is not None:
        return post
    now = timezone.now()
    with transaction.atomic():
        # The row as it is now, locked (on PostgreSQL) until the hiding commits.
        was = Post.objects.select_for_update().filter(pk=post.pk).values("deleted_at", "hidden_at")
        state = was.first()
        if state is None or state["hidden_at"] is not None:
            return post
        Post.objects.filter(pk=post.pk).update(hidden_at=now, hidden_by=profile)
        if state["deleted_at"] is None:
            stats.post_removed(post.author_id, post.created_at)
        tags = list(post.hashtags.values_list("name", flat=True))
        publish_on_commit(
            f"event:{event.id}", {"type": "chat.post_hidden", "post_id": str(post.id)}
        )
        publish_on_commit(
            post_streams(post, tags), {"type": "post.deleted", "post_id": str(post.id)}
        )
        signals.send_on_commit(signals.post_hidden, post=post, event=event)
    post.hidden_at = now
    post.hidden_by = profile
    return post
