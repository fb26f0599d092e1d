"""Atom feeds of published transcripts: per series (/chats/<hashtag>/transcripts.atom)
and for the whole site (/transcripts.atom).

A transcript is published once its event has ended (drafts and private series
never are). Each entry carries the introduction, the numbers and the highlighted
posts; hidden and withheld posts never appear. Entries are cached for two minutes per
transcript version, so feed readers polling often do not rebuild large transcripts;
in the "pages" cache (Redis, or the process's memory), never in the database: a
feed is a GET, and a GET writes nothing.
"""

from datetime import datetime
from html import escape

from django.conf import settings
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from chats.models import Event, Series
from core.hashtags import tag_key
from transcripts.building import build
from transcripts.exports import rows, when
from transcripts.models import Transcript
from transcripts.statistics import compute

FEED_SIZE = 20
# How long an entry is reused; a deletion or a consent change shows within this time.
CACHE_SECONDS = 120


def published(now=None):
    now = now or timezone.now()
    return (
        Event.objects.filter(ends_at__lte=now, series__is_public=True)
        .exclude(state=Event.State.DRAFT)
        .select_related("series", "series__organiser")
        .order_by("-starts_at")
    )


def _summary(event: Event) -> tuple[str, str]:
    """(HTML content, updated ISO time) of one entry."""
    version = (
        Transcript.objects.filter(event=event).values_list("version", "frozen_at").first()
    ) or (0, None)
    key = f"transcripts:feed-entry:{event.id}:{version[0]}:{version[1]}"
    cache = caches["pages"]
    cached = cache.get(key)
    if cached is not None:
        return cached
    built = build(event)
    stats = compute(built)
    parts = []
    if built.transcript.introduction:
        parts += [
            f"<p>{escape(p)}</p>" for p in built.transcript.introduction.split("\n\n") if p.strip()
        ]
    parts.append(
        f"<p>{escape(when(built))}: {stats.posts} posts from {stats.participants} participants "
        f"({stats.new_participants} new, {stats.returning_participants} returning).</p>"
    )
    highlights = [r.item for r in rows(built) if r.item.highlighted]
    if highlights:
        parts.append("<ul>")
        parts += [
            f"<li><strong>{escape(i.name)}</strong> (@{escape(i.handle)}): {escape(i.text)}</li>"
            for i in highlights
        ]
        parts.append("</ul>")
    parts.append("<ul>" + "".join(f"<li>{escape(g.title)}</li>" for g in built.groups) + "</ul>")
    updated = built.transcript.frozen_at or event.ends_at
    value = ("\n".join(parts), updated.isoformat())
    cache.set(key, value, CACHE_SECONDS)
    return value


def _feed(title: str, link: str, feed_url: str, events) -> HttpResponse:
    feed = Atom1Feed(
        title=title,
        link=settings.BASE_URL + link,
        description=title,
        feed_url=settings.BASE_URL + feed_url,
        language="en",
    )
    for event in events[:FEED_SIZE]:
        content, updated = _summary(event)
        url = settings.BASE_URL + f"/chats/{event.series.hashtag}/events/{event.id}/transcript/"
        feed.add_item(
            title=f"#{event.series.hashtag}: {event.topic}",
            link=url,
            unique_id=url,
            description=content,
            pubdate=event.ends_at,
            updateddate=datetime.fromisoformat(updated),
            author_name=event.series.organiser.display_name or event.series.organiser.handle,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


def series_feed(request: HttpRequest, hashtag: str) -> HttpResponse:
    series = Series.objects.filter(hashtag_key=tag_key(hashtag), is_public=True).first()
    if series is None:
        raise Http404("No such chat.")
    return _feed(
        f"#{series.hashtag} transcripts: {series.title}",
        f"/chats/{series.hashtag}/",
        f"/chats/{series.hashtag}/transcripts.atom",
        published().filter(series=series),
    )


def site_feed(request: HttpRequest) -> HttpResponse:
    name = settings.HASHCHAT.get("SITE_NAME", "hashchat")
    return _feed(f"{name}: chat transcripts", "/chats/", "/transcripts.atom", published())
