"""Gathering through a watched server's public streaming API, where it allows it.

While one of a series' events is in its window, the worker keeps one stream open per
watched server: it asks the server where it streams (GET /api/v1/instance, urls.streaming_api;
Mastodon may stream from another host), then reads GET /api/v1/streaming/hashtag?tag=...
(Server-Sent Events) in a thread of its own, and brings each `update` in through its
ActivityPub `uri`, as polling does (gathering.watching.bring_in: a post already here, by
federation, polling or another server, is not brought in twice).

A server that refuses the stream (401, 403, 404: a login needed, or no streaming API) is
tried again only after REFUSED_WAIT; a stream that drops is reopened after a pause that
doubles with each drop, up to MAX_BACKOFF. Meanwhile polling goes on at its usual rate; while
the stream is open it only catches up, every CATCH_UP_SECONDS. A lease on the row (renewed
while reading) keeps to one reader per server across worker processes.
"""

import json
import logging
import threading
from datetime import timedelta
from urllib.parse import quote, urlsplit

import httpx
from django.db import close_old_connections, connection
from django.db.models import F, Q
from django.utils import timezone

from chats.models import Event
from federation import conf, http
from gathering import timelines, watching
from gathering.models import WatchedServer

logger = logging.getLogger("gathering.streaming")

REFUSED_WAIT = timedelta(minutes=30)
DROP_PAUSE_SECONDS = 5.0
MAX_BACKOFF = timedelta(minutes=10)
LEASE = timedelta(seconds=60)
RENEW_SECONDS = 20.0
# Mastodon and hashchat send a heartbeat every 15 seconds: a quiet minute is a dead stream.
READ_TIMEOUT = 60.0
REFUSALS = {401, 403, 404, 405, 410, 501}

_readers: dict[int, "Reader"] = {}
_readers_lock = threading.Lock()


def streaming_base(row: WatchedServer) -> str:
    """Where the server streams: urls.streaming_api of its instance (ws(s):// read as
    http(s)://), or its own address when it names none."""
    try:
        answer = http.request(
            "GET", f"{row.base_url}/api/v1/instance", accept="application/json", signed=False
        )
        named = (
            (answer.json().get("urls") or {}).get("streaming_api") if answer.status == 200 else ""
        )
    except (http.FetchError, AttributeError):
        named = ""
    if not isinstance(named, str) or not named:
        return row.base_url
    parts = urlsplit(named)
    scheme = {"wss": "https", "ws": "http"}.get(parts.scheme, parts.scheme)
    if scheme not in ("https", "http") or not parts.netloc:
        return row.base_url
    return f"{scheme}://{parts.netloc}".lower()


def _update(pk: int, **fields) -> None:
    WatchedServer.objects.filter(pk=pk).update(**fields)


class Reader(threading.Thread):
    """One watched server's hashtag stream, read until it ends, drops or is stopped."""

    def __init__(self, row: WatchedServer) -> None:
        super().__init__(name=f"stream {row.base_url} #{row.series.hashtag}", daemon=True)
        self.row = row
        self.stopped = threading.Event()
        self._response: httpx.Response | None = None

    def stop(self) -> None:
        self.stopped.set()
        response = self._response
        if response is not None:
            try:
                response.close()  # wakes the read below
            except Exception:  # noqa: BLE001 (it may be closing already)
                pass

    def run(self) -> None:
        try:
            self._read()
        except Exception as e:  # noqa: BLE001 (any failure is a drop, shown to the hosts)
            if not self.stopped.is_set():
                self._dropped(f"stream failed: {e.__class__.__name__}: {e}")
        finally:
            mine = WatchedServer.objects.filter(pk=self.row.pk)
            if self.stopped.is_set():
                mine.filter(stream_state=WatchedServer.Stream.OPEN).update(
                    stream_state=WatchedServer.Stream.NONE
                )
            mine.update(stream_lease_until=None)
            with _readers_lock:
                if _readers.get(self.row.pk) is self:
                    del _readers[self.row.pk]
            connection.close()

    def _read(self) -> None:
        row = self.row
        url = f"{streaming_base(row)}/api/v1/streaming/hashtag?tag={quote(row.series.hashtag)}"
        http.check_url(url)
        headers = {"accept": "text/event-stream", "user-agent": http.user_agent()}
        if row.access_token and urlsplit(url).netloc == urlsplit(row.base_url).netloc:
            headers["authorization"] = f"Bearer {row.access_token}"
        timeout = httpx.Timeout(conf.limit("TIMEOUT"), read=READ_TIMEOUT)
        with (
            httpx.Client(
                transport=http.make_transport(), timeout=timeout, trust_env=False
            ) as client,
            client.stream("GET", url, headers=headers) as response,
        ):
            self._response = response
            kind = response.headers.get("content-type", "").split(";")[0].strip()
            if response.status_code in REFUSALS:
                return self._refused(f"refused streaming (HTTP {response.status_code})")
            if response.status_code != 200 or kind != "text/event-stream":
                return self._dropped(f"stream answered HTTP {response.status_code} ({kind})")
            _update(
                row.pk,
                stream_state=WatchedServer.Stream.OPEN,
                stream_error="",
                stream_failures=0,
                stream_retry_at=None,
            )
            self._events(response)
        if not self.stopped.is_set():
            self._dropped("the stream ended")

    def _events(self, response: httpx.Response) -> None:
        domain = (urlsplit(self.row.base_url).hostname or "").lower()
        renewed = timezone.now()
        event, data = "message", []
        for line in response.iter_lines():
            if self.stopped.is_set():
                return
            now = timezone.now()
            if (now - renewed).total_seconds() >= RENEW_SECONDS:
                _update(self.row.pk, stream_lease_until=now + LEASE)
                renewed = now
            if line.startswith(":"):
                continue  # a heartbeat
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
            elif not line and data:
                if event == "update":
                    self._update_seen("\n".join(data), domain)
                event, data = "message", []

    def _update_seen(self, data: str, domain: str) -> None:
        try:
            status = json.loads(data)
        except ValueError:
            return
        found = timelines.parse(status, domain) if isinstance(status, dict) else None
        if found is None:
            return
        close_old_connections()
        brought = watching.bring_in([found])
        if brought:
            _update(
                self.row.pk,
                brought_in=F("brought_in") + brought,
                streamed_in=F("streamed_in") + brought,
            )

    def _refused(self, error: str) -> None:
        self._failed(WatchedServer.Stream.REFUSED, error, REFUSED_WAIT)

    def _dropped(self, error: str) -> None:
        pause = timedelta(seconds=DROP_PAUSE_SECONDS * 2**self.row.stream_failures)
        self._failed(WatchedServer.Stream.DROPPED, error, min(pause, MAX_BACKOFF))

    def _failed(self, state: str, error: str, wait: timedelta) -> None:
        now = timezone.now()
        _update(
            self.row.pk,
            stream_state=state,
            stream_error=error[:500],
            stream_failures=F("stream_failures") + 1,
            stream_retry_at=now + wait,
            # Polling takes over at once, to read what the stream may have missed.
            next_poll_at=now,
        )
        logger.info("streaming %s for #%s: %s", self.row.base_url, self.row.series.hashtag, error)


def sync(now=None) -> int:
    """The worker: open a stream for each watched server of a series with an event in its
    window that has none (unless it waits to retry, or another worker reads it), and stop
    the streams of servers no longer due. Answers how many streams it opened."""
    if not conf.enabled():
        return 0
    now = now or timezone.now()
    live = Event.objects.in_window(now).values("series_id")
    rows = list(WatchedServer.objects.filter(series_id__in=live).select_related("series"))
    opened = 0
    with _readers_lock:
        for gone in set(_readers) - {row.pk for row in rows}:
            _readers.pop(gone).stop()
        for row in rows:
            reader = _readers.get(row.pk)
            if reader is not None and reader.is_alive():
                continue
            if row.stream_retry_at is not None and row.stream_retry_at > now:
                continue
            free = Q(stream_lease_until__isnull=True) | Q(stream_lease_until__lte=now)
            claimed = WatchedServer.objects.filter(free, pk=row.pk).update(
                stream_lease_until=now + LEASE
            )
            if not claimed:
                continue
            reader = Reader(row)
            _readers[row.pk] = reader
            reader.start()
            opened += 1
    return opened


def stop_all(timeout: float = 10.0) -> None:
    """Close every stream this process reads (tests, shutdown)."""
    with _readers_lock:
        readers = list(_readers.values())
        _readers.clear()
    for reader in readers:
        reader.stop()
    for reader in readers:
        reader.join(timeout)
