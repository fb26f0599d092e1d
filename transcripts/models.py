"""A transcript per event: its curation by the hosts and, once the tail window
has closed, the frozen membership (which posts, in which group).

The transcript itself is built on demand by transcripts.building from the posts;
these rows hold only what cannot be derived: the hosts' curation and the
snapshot taken when the transcript froze. Writes go through transcripts.actions.
"""

from django.db import models

from chats.models import Event
from posts.models import Post


class Transcript(models.Model):
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="transcript")
    # The hosts' introduction, shown above the first group (plain text, paragraphs).
    introduction = models.TextField(blank=True)
    # Set when the membership was frozen (the tail window had closed); null while
    # the transcript still follows late posts.
    frozen_at = models.DateTimeField(null=True, blank=True)
    # The profile ids that took part, stored when frozen, so "new or returning"
    # for later events needs no rebuild of this one.
    participant_ids = models.JSONField(default=list, blank=True)
    # Bumped by every curation change and rebuild (feeds' "updated", caches).
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Transcript of {self.event_id}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class TranscriptEntry(models.Model):
    """One post of a frozen transcript (an answer, a reply, or a repost that counts)."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="entries")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    # The group it was placed in when frozen: "welcome", "q1".."qN", "closing", "after".
    group = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["transcript", "post"], name="transcript_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.post_id} in {self.group or 'reposts'}"


class PostCuration(models.Model):
    """The hosts' marks on one post of one transcript (kept across rebuilds)."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="marks")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    # Left out of the published transcript, with its replies, and of every export.
    hidden = models.BooleanField(default=False)
    highlighted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["transcript", "post"], name="post_curation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.post_id}: hidden={self.hidden} highlighted={self.highlighted}"


class GroupCuration(models.Model):
    """The hosts' note under a heading and their order of the group's threads."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="groups")
    # "welcome", "q1".."qN", "closing" or "after".
    group = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    # Post ids of the group's top-level items in the hosts' order; items not in the
    # list (late posts) follow, oldest first. Empty: oldest first.
    order = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["transcript", "group"], name="group_curation_unique")
        ]

    def __str__(self) -> str:
        return self.group
