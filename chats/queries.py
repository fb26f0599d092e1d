"""Read-side helpers for chats: hosts, upcoming occurrences, the directory,
posts by question."""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Profile
from chats import recurrence
from chats.models import ChatPost, Event, Series
from core.hashtags import tag_key
from posts.models import Post


def is_host_in_live_event(profile: Profile | None, now: datetime | None = None) -> bool:
    """Whether `profile` hosts (organises or co-hosts) an event that is live now."""
    if profile is None:
        return False
    # Event.objects.live_at(now) hosted by the profile, in plain SQL: every post asks
    # this (a host in a live chat is not rate-limited), and Django took longer to
    # compile the query than the database to run it.
    moment = connection.ops.adapt_datetimefield_value(now or timezone.now())
    cohosts = Series.cohosts.through._meta.db_table
    sql = (
        f"SELECT 1 FROM {Event._meta.db_table} e JOIN {Series._meta.db_table} s"
        " ON s.id = e.series_id WHERE e.starts_at <= %s AND e.ends_at > %s"
        " AND NOT e.state = %s AND (s.organiser_id = %s OR EXISTS (SELECT 1"
        f" FROM {cohosts} c WHERE c.series_id = s.id AND c.profile_id = %s)) LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [moment, moment, Event.State.DRAFT, profile.id, profile.id])
        return cursor.fetchone() is not None


def series_by_hashtag(hashtag: str) -> Series | None:
    return Series.objects.select_related("organiser").filter(hashtag_key=tag_key(hashtag)).first()


@dataclass
class Occurrence:
    """One upcoming occurrence of a series, with the event planned for it (if any)."""

    starts_at: datetime
    ends_at: datetime
    original: datetime | None
    event: Event | None

    @property
    def topic(self) -> str:
        return self.event.topic if self.event else ""


def upcoming(series: Series, now: datetime | None = None, count: int = 5) -> list[Occurrence]:
    """The next `count` occurrences (rule, moves and one-off events together) that
    have not ended, each with its planned event."""
    now = now or timezone.now()
    after = now - series.duration
    moments = recurrence.occurrences(series, after, count)
    moved_back = {c.new_start: c.original_start for c in series.changes.exclude(new_start=None)}
    events = list(
        series.events.filter(ends_at__gt=now).exclude(state=Event.State.DRAFT).order_by("starts_at")
    )
    by_start = {e.starts_at: e for e in events}
    result = [
        Occurrence(m, m + series.duration, moved_back.get(m, m), by_start.pop(m, None))
        for m in moments
        if m + series.duration > now
    ]
    for extra in by_start.values():
        result.append(Occurrence(extra.starts_at, extra.ends_at, extra.occurrence_start, extra))
    result.sort(key=lambda o: o.starts_at)
    return result[:count]


def next_occurrence(series: Series, now: datetime | None = None) -> Occurrence | None:
    found = upcoming(series, now, 1)
    return found[0] if found else None


TIMES_OF_DAY = {
    "morning": (time(5, 0), time(12, 0)),
    "afternoon": (time(12, 0), time(17, 0)),
    "evening": (time(17, 0), time(22, 0)),
    "night": (time(22, 0), time(5, 0)),
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def in_time_of_day(moment: time, part: str) -> bool:
    start, end = TIMES_OF_DAY[part]
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


@dataclass
class DirectoryEntry:
    series: Series
    next: Occurrence | None
    local_start: datetime | None
    live: bool = False


def directory(
    *,
    words: str = "",
    weekday: str = "",
    time_of_day: str = "",
    zone: zoneinfo.ZoneInfo | None = None,
    now: datetime | None = None,
) -> list[DirectoryEntry]:
    """Public series with their next occurrence, filtered by words and by the
    weekday and time of day of the next occurrence in the viewer's zone."""
    now = now or timezone.now()
    zone = zone or zoneinfo.ZoneInfo("UTC")
    rows: QuerySet[Series] = Series.objects.filter(is_public=True).select_related("organiser")
    for word in words.split()[:8]:
        word = word.lstrip("#")
        rows = rows.filter(
            Q(hashtag__icontains=word)
            | Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(organiser__handle__icontains=word)
            | Q(organiser__display_name__icontains=word)
            | Q(events__topic__icontains=word, events__ends_at__gt=now)
        )
    entries = []
    for series in rows.distinct().prefetch_related("changes"):
        soon = upcoming(series, now, 2)
        nxt = soon[0] if soon else None
        live = nxt is not None and nxt.starts_at <= now and nxt.event is not None
        if nxt is not None and nxt.starts_at <= now and not live:
            # Under way with no event planned: nothing happens, so "Next" is the one after.
            nxt = soon[1] if len(soon) > 1 else None
        local = nxt.starts_at.astimezone(zone) if nxt else None
        if weekday and (local is None or WEEKDAYS[local.weekday()] != weekday):
            continue
        if time_of_day and (local is None or not in_time_of_day(local.time(), time_of_day)):
            continue
        entries.append(DirectoryEntry(series, nxt, local, live))
    far = datetime.max.replace(tzinfo=zoneinfo.ZoneInfo("UTC"))
    entries.sort(
        key=lambda e: (not e.live, e.next.starts_at if e.next else far, e.series.hashtag.lower())
    )
    return entries


def event_posts(event: Event, question: int | None = None) -> QuerySet[Post]:
    """The visible posts of an event, oldest first; only those answering question
    number `question` when given (0 for posts that answer no question)."""
    links = ChatPost.objects.filter(event=event)
    if question == 0:
        links = links.filter(question__isnull=True)
    elif question is not None:
        links = links.filter(question__number=question)
    return (
        Post.objects.visible()
        .filter(pk__in=links.values("post_id"))
        .for_display()
        .order_by("created_at", "id")
    )
