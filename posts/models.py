"""Posts and what hangs off them: hashtags, mentions, likes, reposts, edits,
bookmarks and notifications. Writes go through posts.actions."""

from django.db import models
from django.db.models import Q

from accounts.models import Profile
from core.fields import SnowflakeField
from posts.queries import NotificationQuerySet, PostQuerySet

__all__ = ["PostQuerySet", "NotificationQuerySet"]


class Hashtag(models.Model):
    # As first written (#AusLibChat); matching uses name_lower.
    name = models.CharField(max_length=100)
    # core.hashtags.tag_key(name): NFKC and case folding, not just lower case (the
    # name is kept from before that); unique, and what every lookup compares.
    name_lower = models.CharField(max_length=400, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"#{self.name}"


class TagFollow(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="tag_follows")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "hashtag"], name="tagfollow_unique")
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} follows tag {self.hashtag_id}"


class Post(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        UNLISTED = "unlisted", "Unlisted"

    id = SnowflakeField()
    author = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="posts")
    # The login that wrote it (for an organisation profile, which manager).
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The text as typed (Mastodon's "source"); html is derived and sanitised.
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    # The first post of the conversation (itself for a thread's root).
    thread_root = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A repost is a post of its own with no text that points at the original.
    repost_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="reposts"
    )
    hashtags = models.ManyToManyField(Hashtag, related_name="posts", blank=True)
    created_at = models.DateTimeField(db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Deleted posts keep their row (threads stay whole) but lose text and tags.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Hidden by a host or moderator: gone from rooms, timelines and transcripts.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        Profile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Counters kept by the actions (F() updates), so lists cost no extra queries.
    like_count = models.PositiveIntegerField(default=0)
    repost_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    # A client's Idempotency-Key: the same key for the same profile within an hour gives
    # the same post (posts.actions.IDEMPOTENCY_WINDOW); an older post's key is cleared
    # when the key comes again.
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    # False for a post that came from another server (federation/); it then keeps its
    # ActivityPub id and its page there. A local post's id is its page here.
    local = models.BooleanField(default=True)
    uri = models.CharField(max_length=500, null=True, blank=True, unique=True)
    url = models.CharField(max_length=500, blank=True)
    # Marked sensitive by its author (remote posts; Mastodon's "sensitive").
    sensitive = models.BooleanField(default=False)
    # A content warning shown before the text (ActivityPub's "summary", Mastodon's
    # "spoiler_text"); remote posts bring it.
    spoiler_text = models.CharField(max_length=500, blank=True)
    # A remote post's attachments as its server describes them (hashchat stores no
    # media: each is kept as its remote URL, type, alt text, size and blurhash).
    remote_attachments = models.JSONField(default=list, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="post_idempotency_per_profile",
            ),
            models.UniqueConstraint(
                fields=["author", "repost_of"],
                condition=Q(repost_of__isnull=False, deleted_at__isnull=True),
                name="post_one_repost_each",
            ),
        ]
        indexes = [
            models.Index(fields=["author", "-id"], name="post_author_idx"),
            # A profile's visible posts: their count and the newest one's time (the
            # Account entity's statuses_count and last_status_at) read from the
            # index alone, whatever the profile's number of posts.
            models.Index(
                fields=["author", "created_at"],
                condition=Q(deleted_at__isnull=True, hidden_at__isnull=True),
                name="post_author_visible_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_repost(self) -> bool:
        return self.repost_of_id is not None


class Mention(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="mentioned_in")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "profile"], name="mention_unique")]

    def __str__(self) -> str:
        return f"{self.post_id} mentions {self.profile_id}"


class Like(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="likes")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "post"], name="like_unique")]

    def __str__(self) -> str:
        return f"{self.profile_id} likes {self.post_id}"


class Bookmark(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="bookmarks")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "post"], name="bookmark_unique")]

    def __str__(self) -> str:
        return f"{self.profile_id} bookmarked {self.post_id}"


class PostEdit(models.Model):
    """An earlier version of a post, kept when it is edited (oldest first)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="edits")
    text = models.TextField()
    html = models.TextField()
    # When this version was first published.
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"version of {self.post_id} from {self.created_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", "Reply"
        MENTION = "mention", "Mention"
        LIKE = "like", "Like"
        REPOST = "repost", "Repost"
        FOLLOW = "follow", "Follow"
        REMINDER = "reminder", "Reminder"

    id = SnowflakeField()
    recipient = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        Profile, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Free text for notifications that are not about a post (reminders).
    message = models.CharField(max_length=300, blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["recipient", "-id"], name="notification_recipient_idx")]
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def safe_link(self) -> str:
        """`link` if it is a path on this site or an http(s) address, else empty."""
        link = self.link.strip()
        if link.startswith("/") and not link.startswith("//"):
            return link
        if link.startswith(("https://", "http://")):
            return link
        return ""
