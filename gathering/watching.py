"""Gathering during the chat: while one of a series' events is live and through its
tail window, the worker reads the public hashtag timeline of each server the hosts
listed (GET /api/v1/timelines/tag/:tag with since_id, If-None-Match, a pause of
POLL_SECONDS between reads, doubling up to MAX_BACKOFF after each failure and
Retry-After honoured) and brings each new post in through its ActivityPub id
(federation.incoming.fetch_note), so that it joins the room, the A/Q linking and the
transcript like a post that arrived by federation; a post already here (by
federation or another server's timeline) is not brought in twice. A server that
fails, refuses or rate-limits is shown to the hosts on the event page."""

import json
import logging
from datetime import timedelta
from urllib.parse import quote, urlencode

from django.db import IntegrityError
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from chats.models import Event, Series
from chats.permissions import check_host
from core.errors import InvalidInput, NotFound
from federation import http, incoming
from federation.notes import post_by_uri
from gathering import timelines
from gathering.models import WatchedServer

logger = logging.getLogger("gathering.watching")

POLL_SECONDS = 5.0
# While the server's stream is open (gathering.streaming), polling only catches up.
CATCH_UP_SECONDS = 60.0
MAX_BACKOFF = timedelta(minutes=10)
MAX_WATCHED = 10


def watch(*, user: User, series: Series, server: str, access_token: str = "") -> WatchedServer:
    """A host adds a server to watch for the series' hashtag (with an access token of an
    account there when its tag timeline needs a login)."""
    check_host(user, series)
    try:
        url = timelines.base_url(server)
    except ValueError as e:
        raise InvalidInput(str(e), field="server")
    if series.watched_servers.count() >= MAX_WATCHED:
        raise InvalidInput(f"Watch at most {MAX_WATCHED} servers.", field="server")
    token = (access_token or "").strip()
    if len(token) > 500 or any(c.isspace() for c in token):
        raise InvalidInput("That is not an access token.", field="access_token")
    row, _ = WatchedServer.objects.update_or_create(
        series=series, base_url=url, defaults={"access_token": token}
    )
    return row


def unwatch(*, user: User, series: Series, watched_id: int) -> None:
    check_host(user, series)
    gone, _ = WatchedServer.objects.filter(series=series, pk=watched_id).delete()
    if not gone:
        raise NotFound("That server is not watched.")


def _fail(row: WatchedServer, error: str, now, retry_after: float | None = None) -> None:
    failures = row.failures + 1
    wait = timedelta(seconds=POLL_SECONDS * 2**failures)
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=retry_after))
    WatchedServer.objects.filter(pk=row.pk).update(
        failures=failures,
        last_error=error[:500],
        last_polled_at=now,
        next_poll_at=now + min(wait, MAX_BACKOFF),
    )
    logger.info("watching %s for #%s: %s", row.base_url, row.series.hashtag, error)


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def poll(row: WatchedServer, now=None) -> int:
    """Read one server's new posts with the hashtag; answer how many were brought in."""
    now = now or timezone.now()
    query: dict[str, str | int] = {"limit": timelines.PAGE}
    if row.since_id:
        query["since_id"] = row.since_id
    url = f"{row.base_url}/api/v1/timelines/tag/{quote(row.series.hashtag)}?{urlencode(query)}"
    headers = {"if-none-match": row.etag} if row.etag else {}
    if row.access_token:
        headers["authorization"] = f"Bearer {row.access_token}"
    try:
        answer = http.request(
            "GET", url, accept="application/json", extra_headers=headers, follow=False, signed=False
        )
    except http.FetchError as e:
        _fail(row, f"could not be reached: {e}", now)
        return 0
    if answer.status == 429:
        _fail(
            row, "is rate-limiting (HTTP 429)", now, _retry_after(answer.headers.get("retry-after"))
        )
        return 0
    if answer.status == 304:
        _done(row, now, since_id=row.since_id, etag=row.etag)
        return 0
    if answer.status != 200:
        _fail(row, f"answered HTTP {answer.status}", now)
        return 0
    try:
        page = json.loads(answer.content)
        assert isinstance(page, list)
    except (ValueError, AssertionError):
        _fail(row, "did not answer a list of statuses", now)
        return 0
    domain = row.base_url.split("://", 1)[1].split(":")[0]
    found = [f for f in (timelines.parse(s, domain) for s in page if isinstance(s, dict)) if f]
    brought = bring_in(found)
    ids = [str(s.get("id")) for s in page if isinstance(s, dict) and s.get("id")]
    newest = max(ids, key=lambda i: (len(i), i)) if ids else row.since_id
    _done(row, now, since_id=newest, etag=answer.headers.get("etag", "")[:300], brought=brought)
    return brought


def bring_in(found: list[timelines.Found]) -> int:
    """Bring the posts in through their ActivityPub id, oldest first, each once: one already
    here (by federation, the stream, polling, another server) is left. Answers how many."""
    brought = 0
    for item in sorted(found, key=lambda f: (f.created_at, f.uri)):
        if post_by_uri(item.uri) is not None:
            continue
        try:
            if incoming.fetch_note(item.uri) is not None:
                brought += 1
        except IntegrityError:
            pass  # brought in by another way at the same moment
    return brought


def _done(row: WatchedServer, now, *, since_id: str, etag: str, brought: int = 0) -> None:
    pause = CATCH_UP_SECONDS if row.streaming else POLL_SECONDS
    WatchedServer.objects.filter(pk=row.pk).update(
        since_id=since_id,
        etag=etag,
        failures=0,
        last_error="",
        last_polled_at=now,
        next_poll_at=now + timedelta(seconds=pause),
        brought_in=F("brought_in") + brought,
    )


def poll_due(now=None) -> int:
    """The worker: poll the due servers of the series with an event in its window."""
    now = now or timezone.now()
    live = Event.objects.in_window(now).values("series_id")
    due = (
        WatchedServer.objects.filter(series_id__in=live)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .select_related("series")
    )
    total = 0
    for row in due[: MAX_WATCHED * 5]:
        # Claimed by moving its next poll on; another worker skips it.
        claimed = WatchedServer.objects.filter(
            Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now), pk=row.pk
        ).update(next_poll_at=now + timedelta(minutes=2))
        if claimed:
            total += poll(row, now)
    return total
