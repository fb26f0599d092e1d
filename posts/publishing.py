"""What a post's changes publish on the live streams, after commit."""

from django.db import transaction

from core.hashtags import tag_key
from live.hub import get_hub
from posts.models import Hashtag, Post


def post_streams(post: Post, tags: list[str]) -> list[str]:
    """The live streams a post appears on."""
    streams = [f"profile:{post.author_id}"]
    if post.visibility == Post.Visibility.PUBLIC:
        streams.append("public")
        streams += [f"hashtag:{tag_key(t)}" for t in tags]
    return streams


def publish_counts(post_id: int) -> None:
    """After commit, tell the public and hashtag streams a post's new counts."""

    def send() -> None:
        counts = (
            Post.objects.filter(pk=post_id)
            .values("like_count", "repost_count", "reply_count")
            .first()
        )
        if counts is None:
            return
        tags = list(Hashtag.objects.filter(posts__id=post_id).values_list("name_lower", flat=True))
        get_hub().publish(
            ["public", *[f"hashtag:{t}" for t in tags]],
            {"type": "post.counts", "post_id": str(post_id), **counts},
        )

    transaction.on_commit(send)
