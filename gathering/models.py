"""What gathering keeps: archives of chats held elsewhere, with their progress."""

from django.db import models
from django.utils import timezone

from accounts.models import Profile
from chats.models import Event, Series


class Archive(models.Model):
    """A chat held on other servers, gathered from their public tag timelines into an
    event here (gathering.archive), so that it has a transcript like a chat run here."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        GATHERING = "gathering", "Reading the servers' timelines"
        IMPORTING = "importing", "Bringing the posts in"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="archives")
    event = models.OneToOneField(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="archive"
    )
    requested_by = models.ForeignKey(
        Profile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    topic = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The account that asked the questions, user@domain.
    host_acct = models.CharField(max_length=255)
    # The Mastodon-API servers read, as base URLs (https://mastodon.example).
    servers = models.JSONField(default=list)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    pages_read = models.PositiveIntegerField(default=0)
    found = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    questions = models.PositiveIntegerField(default=0)
    # What went wrong, per server or for the whole archive.
    problems = models.JSONField(default=list, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.series.hashtag} {self.starts_at:%Y-%m-%d} ({self.state})"

    @property
    def total(self) -> int:
        return self.found

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.found:
            return 0
        return min(99, int(100 * (self.imported + self.skipped) / self.found))


class WatchedServer(models.Model):
    """Another Mastodon-API server whose public hashtag timeline the worker reads while
    one of the series' events is live and through its tail window (gathering.watching)."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="watched_servers")
    base_url = models.CharField(max_length=300)
    # An access token of an account there, for servers whose tag timeline needs a login
    # (Takahē): sent as a bearer token to that server only.
    access_token = models.CharField(max_length=500, blank=True)
    # The newest status id seen there, and the ETag of the last answer.
    since_id = models.CharField(max_length=64, blank=True)
    etag = models.CharField(max_length=300, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    # Consecutive failures (the backoff doubles with each) and the last one's reason.
    failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    brought_in = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    # Its public streaming API (gathering.streaming), read while the event is in its window.
    class Stream(models.TextChoices):
        NONE = "", "Not opened"
        OPEN = "open", "Streaming"
        REFUSED = "refused", "Refused by the server"
        DROPPED = "dropped", "Dropped"

    stream_state = models.CharField(max_length=16, choices=Stream.choices, blank=True)
    stream_error = models.CharField(max_length=500, blank=True)
    # Consecutive drops or refusals (the wait before the next try doubles with each).
    stream_failures = models.PositiveIntegerField(default=0)
    stream_retry_at = models.DateTimeField(null=True, blank=True)
    # Held by the worker that reads the stream, renewed while it reads (one reader per server).
    stream_lease_until = models.DateTimeField(null=True, blank=True)
    streamed_in = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "base_url"], name="watched_server_unique")
        ]

    def __str__(self) -> str:
        return f"{self.base_url} for #{self.series.hashtag}"

    @property
    def failing(self) -> bool:
        return self.failures > 0

    @property
    def streaming(self) -> bool:
        """Its stream is open and a worker reads it (a lease that ran out: that worker is gone)."""
        lease = self.stream_lease_until
        return (
            self.stream_state == self.Stream.OPEN and lease is not None and lease > timezone.now()
        )

    @property
    def mode(self) -> str:
        """How its posts come in now, as the hosts' panel says it: streaming, polling (the
        stream refused or dropped, or not opened yet) or failing (polling fails too)."""
        if self.streaming:
            return "streaming"
        return "failing" if self.failing else "polling"


class Relay(models.Model):
    """An ActivityPub relay this server subscribes to (gathering.relays): its public
    posts come in Announced, and those with a chat's hashtag join the chat."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for the relay's Accept"
        ACCEPTED = "accepted", "Subscribed"
        REJECTED = "rejected", "Refused by the relay"

    actor_uri = models.CharField(max_length=500, unique=True)
    inbox_url = models.CharField(max_length=500)
    follow_id = models.CharField(max_length=500)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    posts_in = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.actor_uri} ({self.state})"
