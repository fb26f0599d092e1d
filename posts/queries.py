"""Reading posts: timelines, hashtag pages, profile pages, threads and
notifications. The select_related/prefetch_related live here, so every page
costs a fixed number of queries however many posts it shows."""

from dataclasses import dataclass

from django.db import models
from django.db.models import BigIntegerField, Exists, OuterRef, Q
from django.db.models.functions import Coalesce

from accounts.models import Follow, Profile
from core.hashtags import tag_key
from core.ids import parse_id

PAGE_SIZE = 20


class PostQuerySet(models.QuerySet):
    def visible(self) -> "PostQuerySet":
        """Not deleted, not hidden by a moderator, author not suspended."""
        return self.filter(
            deleted_at__isnull=True, hidden_at__isnull=True, author__is_suspended=False
        )

    def originals(self) -> "PostQuerySet":
        return self.filter(repost_of__isnull=True)

    def public(self) -> "PostQuerySet":
        return self.filter(visibility="public")

    def with_tag(self, name: str) -> "PostQuerySet":
        return self.filter(hashtags__name_lower=tag_key(name))

    def for_display(self) -> "PostQuerySet":
        return self.select_related(
            "author",
            "in_reply_to__author",
            "repost_of__author",
            "repost_of__in_reply_to__author",
        ).prefetch_related("hashtags", "mentions__profile", "repost_of__hashtags")

    def not_hidden_for(self, viewer: Profile | None) -> "PostQuerySet":
        """Leave out posts by profiles the viewer blocks or mutes."""
        if viewer is None:
            return self
        return self.exclude(author__blocked_by__profile=viewer).exclude(
            author__muted_by__profile=viewer
        )

    def with_live_originals(self) -> "PostQuerySet":
        """Leave out reposts whose original was deleted or hidden."""
        return self.filter(
            Q(repost_of__isnull=True)
            | Q(repost_of__deleted_at__isnull=True, repost_of__hidden_at__isnull=True)
        )

    def with_viewer_state(self, viewer: Profile | None) -> "PostQuerySet":
        """Annotate `viewer_liked` and `viewer_reposted` (about the original, for a
        repost) in the same query as the posts."""
        if viewer is None:
            return self.annotate(
                viewer_liked=models.Value(False), viewer_reposted=models.Value(False)
            )
        # posts.models imports this module (its QuerySets): a cycle inside posts.
        from posts.models import Like, Post

        target = Coalesce(OuterRef("repost_of_id"), OuterRef("id"), output_field=BigIntegerField())
        return self.annotate(
            viewer_liked=Exists(Like.objects.filter(profile=viewer, post_id=target)),
            viewer_reposted=Exists(
                Post.objects.filter(author=viewer, repost_of_id=target, deleted_at__isnull=True)
            ),
        )

    def home_feed(self, profile: Profile) -> "PostQuerySet":
        """Posts and reposts by the profiles `profile` follows and by itself, and
        public posts with the hashtags it follows."""
        # posts.models imports this module (its QuerySets): a cycle inside posts.
        from posts.models import Post

        following = Follow.objects.filter(follower=profile).values("followee_id")
        tagged = Post.hashtags.through.objects.filter(
            hashtag__followers__profile=profile, post__visibility="public"
        ).values("post_id")
        return (
            self.visible()
            .with_live_originals()
            .filter(Q(author=profile) | Q(author_id__in=following) | Q(id__in=tagged))
            .not_hidden_for(profile)
        )

    def tag_page(self, name: str, viewer: Profile | None) -> "PostQuerySet":
        return self.visible().public().with_tag(name).not_hidden_for(viewer)

    def profile_page(self, profile: Profile) -> "PostQuerySet":
        return self.visible().with_live_originals().filter(author=profile)


@dataclass
class Page:
    items: list
    # The id to pass as ?before= for the next (older) page, or None at the end.
    older: int | None


def page_by_id(queryset: models.QuerySet, before: str | int | None, size: int = PAGE_SIZE) -> Page:
    """Newest first, `size` at a time, continuing below the id `before`."""
    queryset = queryset.order_by("-id")
    cursor = parse_id(before)
    if cursor is not None:
        queryset = queryset.filter(id__lt=cursor)
    items = list(queryset[: size + 1])
    older = items[size - 1].id if len(items) > size else None
    return Page(items=items[:size], older=older)


@dataclass
class ThreadEntry:
    post: object
    # How far below the focused post a reply sits (1 for a direct reply).
    depth: int

    @property
    def indent(self) -> int:
        """The indentation step shown (deep threads stop indenting)."""
        return min(self.depth, 5)


def thread_of(post, viewer: Profile | None) -> tuple[list, list[ThreadEntry]]:
    """The focused post's ancestors (oldest first) and its descendants in reading
    order (each reply after its parent), loaded in one query."""
    # posts.models imports this module (its QuerySets): a cycle inside posts.
    from posts.models import Post

    root_id = post.thread_root_id or post.id
    rows = list(
        Post.objects.filter(Q(thread_root_id=root_id) | Q(id=root_id))
        .originals()
        .not_hidden_for(viewer)
        .for_display()
        .with_viewer_state(viewer)
        .order_by("id")
    )
    return arrange_thread(post, rows)


def arrange_thread(post, rows: list) -> tuple[list, list[ThreadEntry]]:
    """The ancestors (oldest first) and descendants (each reply after its parent) of
    `post` among the rows of its thread (oldest first)."""
    by_id = {row.id: row for row in rows}
    ancestors: list = []
    parent_id = post.in_reply_to_id
    while parent_id is not None and parent_id in by_id and len(ancestors) < 200:
        parent = by_id[parent_id]
        ancestors.append(parent)
        parent_id = parent.in_reply_to_id
    ancestors.reverse()

    children: dict[int, list] = {}
    for row in rows:
        if row.in_reply_to_id is not None:
            children.setdefault(row.in_reply_to_id, []).append(row)
    descendants: list[ThreadEntry] = []
    stack = [(child, 1) for child in reversed(children.get(post.id, []))]
    while stack:
        row, depth = stack.pop()
        descendants.append(ThreadEntry(row, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(row.id, [])))
    return ancestors, descendants


class NotificationQuerySet(models.QuerySet):
    def for_profile(self, profile: Profile) -> "NotificationQuerySet":
        return self.filter(recipient=profile, dismissed_at__isnull=True).select_related(
            "actor", "post__author"
        )

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True, dismissed_at__isnull=True)
