"""The event hub: every live event of this process, fanned out to its subscribers.

    get_hub().publish(["hashtag:auslibchat", "public"], {"type": "post.created", ...})

`publish` may be called from any thread (Django's sync views, the worker thread):
it turns the domain event into its wire form once (live.payloads), gives it an
id, and hands it to the event loop with `call_soon_threadsafe`. With
settings.REDIS_URL set, ids come from Redis and the event goes through Redis
pub/sub, so every web process delivers every event (live.redis_bridge).

In the loop, each event is kept in a bounded buffer per stream (live.history, for
Last-Event-ID resume) and pushed to the bounded queue of every subscriber of its streams. A
subscriber that falls too far behind is dropped and told so; nobody waits for it.
After each pass over the subscribers the hub rests as long as the pass kept it
busy (at most REST_MAX): what arrives meanwhile goes out in the next pass, so a
busy hashtag costs one write per subscriber per pass rather than per event, and
requests (posting among them) always get about half of the loop.
"""

import asyncio
import concurrent.futures
import contextlib
import gc
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import close_old_connections

from core import metrics
from core.requestlog import carry, job
from live.envelope import CLOSE, Bridge, Envelope
from live.fanout import deliver, heartbeats
from live.history import History
from live.metrics import DELIVERED, DROPPED, SUBSCRIBERS, WRITTEN_DIRECTLY
from live.payloads import build
from live.subscriber import Accept, Label, Subscriber, Subscription, accept_all

__all__ = ["Accept", "Hub", "Label", "Subscriber", "Subscription", "accept_all", "get_hub"]

log = logging.getLogger(__name__)

Listener = Callable[[list[str], dict[str, Any]], None]


HEARTBEAT_SECONDS = 15.0
# Subscribers take turns for their heartbeats, one slice of them each second, rather
# than all at once (5,000 at once held the loop for some 250 ms every 15 s).
HEARTBEAT_TURNS = 15
# After a fan-out pass, the hub rests as long as the pass kept this thread busy (CPU
# time, at most REST_MAX seconds) before starting the next: events that arrive
# meanwhile go out together in one pass (one write per subscriber), and requests get
# the loop and the interpreter lock at least about half of the time.
REST_MAX = 0.1
cpu_time = time.thread_time  # (a test makes a pass look long)


class Hub:
    def __init__(
        self,
        *,
        redis_url: str = "",
        buffer_events: int = 10_000,
        buffer_seconds: float = 3 * 3600,
        queue_limit: int = 2_000,
        prefix: str = "hashchat:live",
    ) -> None:
        self.queue_limit = queue_limit
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._index: dict[str, set[Subscriber]] = {}
        self._subscribers: set[Subscriber] = set()
        self._opened = 0  # subscribers opened so far (for their heartbeat turns)
        self._next_id = time.time_ns() // 1000
        self.history = History(buffer_events, buffer_seconds, floor=self._next_id)
        self._tasks: list[asyncio.Task[Any]] = []
        self._inbox: list[Envelope] = []
        self._inbox_lock = threading.Lock()
        self._drain_on: asyncio.AbstractEventLoop | None = None
        self._rest_until = 0.0  # the loop's clock: no fan-out pass starts before it
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self.bridge: Bridge | None = None
        if redis_url:
            # Loaded only with REDIS_URL: a single process never imports the Redis client.
            from live.redis_bridge import RedisBridge

            self.bridge = RedisBridge(self, redis_url, prefix)
            # Redis numbers the events: until this process listens, it vouches for none.
            self.history.floor = 2**63

    # -- publishing (any thread) ------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """A synchronous listener of domain events as published (for tests and tools)."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, streams: Iterable[str], event: dict[str, Any]) -> None:
        """Send a domain event to `streams` (call it after commit: live.publish does)."""
        names = list(streams)
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(names, event)
        if self.bridge is None and self._loop is None:
            return  # no stream can be open in this process, and no other process listens
        # Building the payload queries the database: one publisher thread does it, in
        # order, so neither the request that published nor the event loop waits for it.
        if self._executor is None:
            with self._lock:
                if self._executor is None:
                    self._executor = concurrent.futures.ThreadPoolExecutor(1, "live-publish")
        # (Under the id of the request that published, for its log lines.)
        self._executor.submit(carry(self._build_and_emit), names, event)

    def _build_and_emit(self, streams: list[str], event: dict[str, Any]) -> None:
        # Its connection is checked before and after, as a request's is.
        try:
            # One log line per event, under the id of the request that published it.
            with job("live.event") as info:
                close_old_connections()
                payload = build(streams, event)
                info["done"] = event.get("type")
        except Exception:
            return  # logged with its traceback by job()
        finally:
            close_old_connections()
        if payload is not None:
            name, data, author_id, is_repost = payload
            self.emit(streams, name, data, author_id=author_id, is_repost=is_repost)

    def emit(
        self,
        streams: Iterable[str],
        name: str,
        data: str,
        *,
        author_id: str | None = None,
        is_repost: bool = False,
    ) -> None:
        """Send an already serialised event: give it an id and fan it out."""
        names = tuple(dict.fromkeys(streams))
        if self.bridge is not None:
            envelope = Envelope(0, names, name, data, author_id=author_id, is_repost=is_repost)
            try:
                self.bridge.publish(envelope)
            except Exception:
                metrics.record_error("redis")
                log.exception("could not publish a live event to Redis")
            return
        with self._lock:
            self._next_id += 1
            envelope = Envelope(
                self._next_id, names, name, data, author_id=author_id, is_repost=is_repost
            )
            # Still under the lock, so the loop receives events in id order.
            self.dispatch(envelope)

    def current_id(self) -> int:
        """The id of the newest event published so far (a page rendered now passes it
        to its stream as the point to resume from)."""
        if self.bridge is not None:
            try:
                return self.bridge.current()
            except Exception:
                log.exception("could not read the live counter from Redis")
                return 0
        with self._lock:
            return self._next_id

    def dispatch(self, envelope: Envelope) -> None:
        # Events wait in the inbox until the loop fans them out: one callback takes
        # all that arrived meanwhile, so a busy loop writes them together.
        loop = self._loop
        with self._inbox_lock:
            self._inbox.append(envelope)
            if loop is None or loop.is_closed():
                loop = None
            elif self._drain_on is loop:
                return  # that loop's callback is still to come
            else:
                # (A callback meant for a loop that closed before running it is
                # replaced by one on the current loop.)
                self._drain_on = loop
        if loop is not None:
            try:
                loop.call_soon_threadsafe(self._drain)
                return
            except RuntimeError:
                self._loop = None
        self._drain()

    # -- in the loop --------------------------------------------------------------

    def _drain(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            rest = self._rest_until - loop.time()
            if rest > 0:
                # Still resting from the last pass: everything that arrives until
                # then goes out in one pass (`_drain_on` stays set meanwhile).
                loop.call_later(rest, self._drain)
                return
        with self._inbox_lock:
            batch, self._inbox = self._inbox, []
            self._drain_on = None
        if not batch:
            return
        started = cpu_time()
        self._fan_out(batch)
        if loop is not None and not loop.is_closed():
            self._rest_until = loop.time() + min(cpu_time() - started, REST_MAX)

    async def drained(self) -> None:
        """Wait until every event handed to this loop so far has been fanned out
        (including a pass put off while the hub rests)."""
        loop = asyncio.get_running_loop()
        while True:
            with self._inbox_lock:
                if not self._inbox:
                    return
            await asyncio.sleep(max(0.0, self._rest_until - loop.time()))

    def _fan_out(self, batch: list[Envelope]) -> None:
        """Remember `batch` (events in id order) and hand it to every subscriber of
        its streams (live.fanout)."""
        if any(envelope.name == CLOSE for envelope in batch):
            batch = self._close_streams(batch)
            if not batch:
                return
        for envelope in batch:
            self.history.remember(envelope)
        index = self._index
        if len(batch) == 1 and len(batch[0].streams) == 1:
            found = index.get(batch[0].streams[0])
            targets: Iterable[Subscriber] = list(found) if found else ()
        else:
            union: set[Subscriber] = set()
            for envelope in batch:
                for stream in envelope.streams:
                    subscribers = index.get(stream)
                    if subscribers:
                        union.update(subscribers)
            targets = union
        delivered, direct = deliver(batch, targets, self._drop)
        if direct:
            WRITTEN_DIRECTLY.inc(direct)
        if delivered:
            DELIVERED.inc(delivered)

    def _drop(self, subscriber: Subscriber) -> None:
        log.info("dropped a live subscriber %d events behind", len(subscriber.pending))
        DROPPED.inc()
        self.close(subscriber, dropped=True)

    def _close_streams(self, batch: list[Envelope]) -> list[Envelope]:
        """End the connections on a CLOSE event's streams; return the other events."""
        rest = []
        for envelope in batch:
            if envelope.name != CLOSE:
                rest.append(envelope)
                continue
            for stream in envelope.streams:
                for subscriber in list(self._index.get(stream, ())):
                    self.close(subscriber)
        return rest

    def forget_old(self) -> None:
        """Let go of events older than the buffer's time limit."""
        self.history.forget_old()

    def replay(self, streams: Iterable[str], last_id: int) -> list[Envelope] | None:
        """The events on `streams` after `last_id`, oldest first; None when some of
        them are no longer known here (the client must refetch)."""
        return self.history.replay(streams, last_id)

    def lost_events(self, floor: int) -> None:
        """The hub may have missed events up to `floor`: resumes from before it
        refetch, and every connected client is told to refetch now."""
        self.history.floor = floor
        for subscriber in list(self._subscribers):
            subscriber.mark(refetch=True)

    def attach(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop = loop
            self._tasks = [loop.create_task(self._tick())]
            if self.bridge is not None:
                self._tasks.append(loop.create_task(self.bridge.listen()))
        return loop

    async def start(self) -> None:
        """Attach to the running loop (the ASGI lifespan calls this) and, with Redis,
        wait until this process listens, so nothing published after start is missed."""
        # Everything loaded so far (Django, the URL conf, the apps) lives as long
        # as the process: out of the garbage collector's way, a full collection
        # pauses every stream for a fraction as long.
        gc.collect()
        gc.freeze()
        self.attach()
        if self.bridge is not None:
            try:
                await asyncio.wait_for(self.bridge.ready.wait(), timeout=10)
            except TimeoutError:
                log.error("Redis did not answer; live events wait until it does")

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        for subscriber in list(self._subscribers):
            self.close(subscriber)
        self._loop = None

    async def _tick(self) -> None:
        turn = 0
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS / HEARTBEAT_TURNS)
            turn = (turn + 1) % HEARTBEAT_TURNS
            self.beat(turn)
            if turn == 0:
                self.forget_old()

    def beat(self, turn: int) -> None:
        """Heartbeats for the subscribers whose turn it is (live.fanout.heartbeats)."""
        heartbeats(s for s in list(self._subscribers) if s.turn == turn)

    def open(self, queue_limit: int | None = None) -> Subscriber:
        self.attach()
        subscriber = Subscriber(queue_limit or self.queue_limit)
        subscriber.turn = self._opened % HEARTBEAT_TURNS
        self._opened += 1
        self._subscribers.add(subscriber)
        SUBSCRIBERS.inc()
        return subscriber

    def add(
        self,
        subscriber: Subscriber,
        label: Label,
        streams: Iterable[str],
        accept: Accept = accept_all,
    ) -> None:
        self.remove(subscriber, label)
        names = frozenset(streams)
        subscriber.subscriptions[label] = Subscription(label, names, accept)
        subscriber.refilter()
        for stream in names:
            self._index.setdefault(stream, set()).add(subscriber)

    def remove(self, subscriber: Subscriber, label: Label) -> None:
        old = subscriber.subscriptions.pop(label, None)
        if old is None:
            return
        subscriber.refilter()
        still = set().union(*(s.streams for s in subscriber.subscriptions.values()))
        for stream in old.streams - still:
            subscribers = self._index.get(stream)
            if subscribers is not None:
                subscribers.discard(subscriber)
                if not subscribers:
                    del self._index[stream]

    def close(self, subscriber: Subscriber, *, dropped: bool = False) -> None:
        for label in list(subscriber.subscriptions):
            self.remove(subscriber, label)
        if subscriber in self._subscribers:
            self._subscribers.discard(subscriber)
            SUBSCRIBERS.dec()
        subscriber.stop(dropped=dropped)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)


_hub: Hub | None = None
_hub_lock = threading.Lock()


def get_hub() -> Hub:
    global _hub
    if _hub is None:
        with _hub_lock:
            if _hub is None:
                options = getattr(settings, "HASHCHAT", {})
                _hub = Hub(
                    redis_url=getattr(settings, "REDIS_URL", ""),
                    buffer_events=options.get("LIVE_BUFFER_EVENTS", 10_000),
                    buffer_seconds=options.get("LIVE_BUFFER_SECONDS", 3 * 3600),
                    queue_limit=options.get("LIVE_QUEUE_LIMIT", 2_000),
                    prefix=f"{getattr(settings, 'REDIS_PREFIX', 'hashchat')}:live",
                )
    return _hub
