"""Series (a recurring chat), events (one occurrence, with its questions), the
link from posts to the event and question they answer, and RSVPs.

Writes go through chats.actions; the worker posts questions through
chats.scheduler, claiming each with a conditional update.
"""

from datetime import timedelta

from django.db import models
from django.db.models import Q

from accounts.models import Profile
from core.fields import SnowflakeField
from core.hashtags import tag_key
from posts.models import Post


class Series(models.Model):
    id = SnowflakeField()
    # Without '#', shown as typed (#AusLibChat).
    hashtag = models.CharField(max_length=100)
    # core.hashtags.tag_key(hashtag) (NFKC and case folding): unique, and what every
    # lookup compares. Kept up to date by save().
    hashtag_key = models.CharField(max_length=400, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The official profile that posts the welcome, the questions and the closing post.
    organiser = models.ForeignKey(
        Profile, on_delete=models.PROTECT, related_name="series_organised"
    )
    cohosts = models.ManyToManyField(Profile, related_name="series_cohosted", blank=True)
    # IANA zone; occurrences are computed in it, so the local time holds across DST.
    timezone = models.CharField(max_length=64)
    # An RFC 5545 RRULE without DTSTART, e.g. "FREQ=MONTHLY;BYDAY=1TU".
    rrule = models.CharField(max_length=500)
    # The local wall-clock start time and the first day the rule applies from.
    start_time = models.TimeField()
    start_date = models.DateField()
    duration_minutes = models.PositiveIntegerField(default=60)
    # Posts this long after the end still belong to the event (and its transcript).
    tail_hours = models.PositiveIntegerField(default=72)
    # The default question plan for new events: [{"kind", "text", "offset"}...]
    default_plan = models.JSONField(default=list, blank=True)
    # Whether new events show their questions before they are posted.
    questions_public = models.BooleanField(default=False)
    is_public = models.BooleanField(default=True)
    # The series' own followable account (@libchat), made with the series when its
    # hashtag is free as a handle (chats.accounts); it boosts the chat's posts.
    account = models.OneToOneField(
        Profile, on_delete=models.SET_NULL, null=True, blank=True, related_name="chat_series"
    )
    # Boost hashtag posts made outside any event's window, too.
    boost_outside_events = models.BooleanField(default=False)
    # Follow back whoever follows the chat account (their hashtag posts then reach us).
    follow_back = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint("hashtag_key", name="series_hashtag_key_unique")]
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return f"#{self.hashtag}"

    def save(self, *args, **kwargs) -> None:
        self.hashtag_key = tag_key(self.hashtag)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "hashtag" in update_fields:
            kwargs["update_fields"] = {*update_fields, "hashtag_key"}
        super().save(*args, **kwargs)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def tail(self) -> timedelta:
        return timedelta(hours=self.tail_hours)


class OccurrenceChange(models.Model):
    """One occurrence of the rule skipped or moved (an EXDATE, or an EXDATE plus an RDATE)."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="changes")
    # The occurrence as the rule gives it (UTC).
    original_start = models.DateTimeField()
    # Null when skipped; the new start (UTC) when moved.
    new_start = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["series", "original_start"], name="occurrence_change_unique"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.series.hashtag} {self.original_start:%Y-%m-%d %H:%M}Z"


class EventQuerySet(models.QuerySet):
    def live_at(self, moment) -> "EventQuerySet":
        return self.filter(starts_at__lte=moment, ends_at__gt=moment).exclude(
            state=Event.State.DRAFT
        )

    def in_window(self, moment) -> "EventQuerySet":
        """Events whose window (start to end plus the tail) contains `moment`."""
        return self.filter(starts_at__lte=moment, window_ends_at__gt=moment).exclude(
            state=Event.State.DRAFT
        )


class Event(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        LIVE = "live", "Live"
        ENDED = "ended", "Ended"
        ARCHIVED = "archived", "Archived"

    id = SnowflakeField()
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="events")
    topic = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField(db_index=True)
    # starts_at + the series' duration, and ends_at + its tail (kept for range queries).
    ends_at = models.DateTimeField()
    window_ends_at = models.DateTimeField()
    # The occurrence of the series' rule this event is (null for a one-off extra).
    occurrence_start = models.DateTimeField(null=True, blank=True)
    # Drafts are never posted; the others move on with the clock (see Event.current_state).
    state = models.CharField(max_length=16, choices=State.choices, default=State.SCHEDULED)
    questions_public = models.BooleanField(default=False)
    # Set once by the worker's conditional update when it announces the start and the
    # end on the event's live stream (so chat.started / chat.ended go out once).
    started_announced_at = models.DateTimeField(null=True, blank=True)
    # When the hosts were told a day ahead that questions are still placeholders.
    placeholders_reminded_at = models.DateTimeField(null=True, blank=True)
    ended_announced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "occurrence_start"],
                condition=Q(occurrence_start__isnull=False),
                name="event_one_per_occurrence",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.series.hashtag} {self.starts_at:%Y-%m-%d}: {self.topic}"

    def current_state(self, now) -> str:
        """The state the clock says the event is in (a draft stays a draft)."""
        if self.state == self.State.DRAFT:
            return self.State.DRAFT
        if now < self.starts_at:
            return self.State.SCHEDULED
        if now < self.ends_at:
            return self.State.LIVE
        if now < self.window_ends_at:
            return self.State.ENDED
        return self.State.ARCHIVED


class Question(models.Model):
    """A timed post of an event: the welcome, a numbered question, or the closing post."""

    class Kind(models.TextChoices):
        WELCOME = "welcome", "Welcome"
        QUESTION = "question", "Question"
        CLOSING = "closing", "Closing"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.QUESTION)
    # 1..n for questions (Q1..Q5), null for the welcome and closing posts.
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.CharField(max_length=400)
    # Minutes after the event's start.
    offset_minutes = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)
    # Set by the conditional update that claims the question for posting (exactly once).
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    # The post that asked it, when it was posted and how late (seconds).
    post = models.OneToOneField(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="asked_question"
    )
    posted_at = models.DateTimeField(null=True, blank=True)
    delay_seconds = models.FloatField(null=True, blank=True)
    # Why it was not posted (the event ended before anything could post it).
    skipped_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["offset_minutes", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "number"],
                condition=Q(number__isnull=False),
                name="question_number_unique",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == self.Kind.QUESTION:
            return f"Q{self.number}"
        return self.get_kind_display()

    def due_at(self):
        return self.event.starts_at + timedelta(minutes=self.offset_minutes)


class ChatPost(models.Model):
    """A post that belongs to an event's conversation, and the question it answers."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="chat")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="chat_posts")
    # Null for posts that answer no question (introductions, chat after the hour).
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="answers"
    )
    # How the link was made: "prefix" (A3 ...), "reply" (in Q3's thread) or "host".
    via = models.CharField(max_length=16, blank=True)

    class Meta:
        indexes = [models.Index(fields=["event", "question"], name="chatpost_event_q_idx")]

    def __str__(self) -> str:
        return f"{self.post_id} in {self.event_id} ({self.via})"


class Rsvp(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="rsvps")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    # Remind this many minutes before the start (null: no reminder).
    remind_minutes = models.PositiveIntegerField(null=True, blank=True)
    remind_email = models.BooleanField(default=True)
    # Set by the conditional update that claims the reminder (sent exactly once).
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "event"], name="rsvp_unique")]

    def __str__(self) -> str:
        return f"{self.profile} for {self.event_id}"
