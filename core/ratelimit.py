"""Rate limits: fixed-window counters in Django's cache.

    status = hit("post:profile", str(profile.id), limit=30, window=60)

counts one request in the current window of `window` seconds and raises
core.errors.RateLimited (HTTP 429, with `retry_after` seconds until the window
ends) once more than `limit` requests were counted in it. `peek` reads the count
without adding to it.

Where the counters live (settings.CACHES["default"]): Redis when REDIS_URL is set,
so that every web process shares them; otherwise the database cache table
`hashchat_cache`, created by `hashchat serve`/`hashchat worker` (and by the test
database set-up). On the database cache a count is a read and a write inside one
transaction: on SQLite, whose write transactions queue, it is exact; on PostgreSQL
without Redis two requests at the same instant may both be counted as one.

The configured limits (settings.HASHCHAT["RATE_LIMITS"], name -> (limit, window))
apply to what clients ask for: the middleware records the client's address for the
request (`client_ip()`), and `limit_client` does nothing without one, so the worker,
the demo and the command line are never throttled.
"""

import base64
import contextlib
import contextvars
import hashlib
import logging
import math
import pickle
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connections, router, transaction

from core import metrics
from core.errors import RateLimited

logger = logging.getLogger("core.ratelimit")
# Errors of a cache that cannot be reached (Redis); the database cache's errors are
# the database's, which the request cannot do without anyway.
_CACHE_DOWN: tuple[type[Exception], ...] = (redis.RedisError, ConnectionError, TimeoutError)

# Part of every key; the test suite changes it per test so counters never leak between tests.
NAMESPACE = "rl"

MESSAGES = {
    "post": "You are posting too fast.",
    "signup": "Too many sign-ups from your network.",
    "login": "Too many login attempts.",
}

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "hashchat_client_ip", default=None
)


# Seconds to wait after a limit refused something in this request (the middleware
# adds Retry-After to a 429 answer that lacks it: pages, the room, any API).
_refused_for: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "hashchat_refused_for", default=None
)


@dataclass(frozen=True)
class RateStatus:
    limit: int
    remaining: int
    reset_at: datetime

    def headers(self) -> dict[str, str]:
        """The X-RateLimit-* headers Mastodon clients read."""
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": self.reset_at.isoformat().replace("+00:00", "Z"),
        }


def _window(window: int, now: float) -> tuple[int, float]:
    start = int(now // window) * window
    return start, float(start + window)


def _key(bucket: str, key: str, window: int, start: int) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"{NAMESPACE}:{bucket}:{window}:{start}:{digest}"


def _status(limit: int, count: int, reset: float) -> RateStatus:
    return RateStatus(
        limit=limit,
        remaining=max(0, limit - count),
        reset_at=datetime.fromtimestamp(reset, UTC),
    )


def _message(bucket: str, retry_after: int) -> str:
    first = MESSAGES.get(bucket.split(":")[0], "Too many requests.")
    wait = f"{retry_after} second{'s' if retry_after != 1 else ''}"
    if retry_after >= 120:
        minutes = math.ceil(retry_after / 60)
        wait = f"{minutes} minutes"
    return f"{first} Try again in {wait}."


def _on_database_cache() -> bool:
    return settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")


def _db_increment(cache_keys: list[str], timeouts: list[int]) -> list[int]:
    """Add one to each counter on the database cache: one read of them all, then one
    UPDATE per counter that exists (a new window's counter is created by cache.set).
    Run inside a transaction: SQLite takes its write lock at BEGIN, so no two requests
    read the same count."""
    current = cache.get_many(cache_keys)
    table = connections[router.db_for_write(cache.cache_model_class)]  # type: ignore[attr-defined]
    quote = table.ops.quote_name
    counts = []
    for key, timeout in zip(cache_keys, timeouts, strict=True):
        count = int(current.get(key, 0)) + 1
        counts.append(count)
        if key not in current:
            cache.set(key, count, timeout)
            continue
        # The value as the cache stores it; the expiry set with the window's first
        # count already outlasts the window.
        value = base64.b64encode(pickle.dumps(count, cache.pickle_protocol)).decode("latin1")  # type: ignore[attr-defined]
        with table.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(cache._table)} SET {quote('value')} = %s "  # type: ignore[attr-defined]
                f"WHERE {quote('cache_key')} = %s",
                [value, cache.make_and_validate_key(key)],
            )
    return counts


def _increment(cache_key: str, timeout: int) -> int:
    if _on_database_cache():
        with transaction.atomic():
            return _db_increment([cache_key], [timeout])[0]
    cache.add(cache_key, 0, timeout)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # The key expired between add and incr.
        cache.set(cache_key, 1, timeout)
        count = 1
    if count == 1:
        cache.touch(cache_key, timeout)
    return count


def hit(bucket: str, key: str, *, limit: int, window: int) -> RateStatus:
    """Count one request for `key` in `bucket`; raise RateLimited past `limit` per `window` s."""
    now = time.time()
    start, reset = _window(window, now)
    try:
        count = _increment(_key(bucket, key, window, start), window + 5)
    except _CACHE_DOWN as e:
        # Redis away for a moment: let the request through rather than fail it.
        metrics.record_error("redis")
        logger.warning("rate limit %s not counted: the cache is unavailable (%s)", bucket, e)
        return _status(limit, 0, reset)
    if count > limit:
        retry_after = max(1, math.ceil(reset - now))
        _refused_for.set(retry_after)
        raise RateLimited(_message(bucket, retry_after), retry_after=retry_after)
    return _status(limit, count, reset)


def _db_count(cache_key: str) -> int:
    """A counter's value on the database cache, with one plain SELECT (the API reports
    it on every read; DatabaseCache.get spent longer preparing its query than the
    database spent on it). The key names its window, and a counter is kept a little
    longer than its window, so a row found for the current window's key is live."""
    db = connections[router.db_for_read(cache.cache_model_class)]  # type: ignore[attr-defined]
    quote = db.ops.quote_name
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('value')} FROM {quote(cache._table)} "  # type: ignore[attr-defined]
            f"WHERE {quote('cache_key')} = %s",
            [cache.make_and_validate_key(cache_key)],
        )
        row = cursor.fetchone()
    return 0 if row is None else int(pickle.loads(base64.b64decode(row[0])))


def peek(bucket: str, key: str, *, limit: int, window: int) -> RateStatus:
    """The state of the counter without counting a request."""
    start, reset = _window(window, time.time())
    try:
        cache_key = _key(bucket, key, window, start)
        count = _db_count(cache_key) if _on_database_cache() else int(cache.get(cache_key, 0))
    except _CACHE_DOWN:
        count = 0
    return _status(limit, count, reset)


def configured(name: str) -> tuple[int, int] | None:
    """(limit, window) for a limit in settings.HASHCHAT["RATE_LIMITS"]; None when off."""
    limits = cast(dict[str, tuple[int, int]], settings.HASHCHAT.get("RATE_LIMITS", {}))
    value = limits.get(name)
    if not value or value[0] <= 0:
        return None
    return int(value[0]), int(value[1])


def limit(name: str, key: str) -> RateStatus | None:
    """Count a request against the configured limit `name` (e.g. "login:username")."""
    conf = configured(name)
    if conf is None:
        return None
    return hit(name, key, limit=conf[0], window=conf[1])


def client_ip() -> str | None:
    """The address of the client whose request is being served, if any."""
    return _client_ip.get()


@contextlib.contextmanager
def serving(ip: str | None) -> Iterator[None]:
    """Mark the code inside as serving a client request from `ip` (the middleware does)."""
    token = _client_ip.set(ip or "unknown")
    refused = _refused_for.set(None)
    try:
        yield
    finally:
        _client_ip.reset(token)
        _refused_for.reset(refused)


def refused_for() -> int | None:
    """Seconds until a limit that refused something in this request lets it through."""
    return _refused_for.get()


def limit_client(name: str, key: str | None = None) -> RateStatus | None:
    """Count a client request against limit `name`, keyed by `key` or the client's IP.
    Outside a client request (worker, demo, command line) it counts nothing."""
    ip = client_ip()
    if ip is None:
        return None
    return limit(name, key if key is not None else ip)


def _host_in_live_event(profile) -> bool:
    from chats.queries import is_host_in_live_event  # chats builds on this module

    return is_host_in_live_event(profile)


def check_new_profile_entities(profile, text: str) -> None:
    """A profile younger than NEW_PROFILE_HOURS may mention only so many profiles and
    share only so many links in one post (spam from fresh sign-ups)."""
    from datetime import timedelta

    from django.utils import timezone

    from core.errors import InvalidInput
    from posts import parsing

    conf = cast(dict[str, int], settings.HASHCHAT)
    hours = conf["NEW_PROFILE_HOURS"]
    max_mentions = conf["NEW_PROFILE_MAX_MENTIONS"]
    max_links = conf["NEW_PROFILE_MAX_LINKS"]
    created = getattr(profile, "created_at", None)
    if created is None or created <= timezone.now() - timedelta(hours=hours):
        return
    entities = parsing.find_entities(text)
    mentions = {e.value.lower() for e in entities if e.kind == "mention"}
    links = [e for e in entities if e.kind == "url"]
    if len(mentions) > max_mentions:
        raise InvalidInput(
            f"In its first {hours} hours a profile can mention at most {max_mentions} people "
            f"in a post; this one mentions {len(mentions)}.",
            field="text",
        )
    if len(links) > max_links:
        raise InvalidInput(
            f"In its first {hours} hours a profile can share at most {max_links} links in a "
            f"post; this one has {len(links)}.",
            field="text",
        )


def check_post(profile, text: str = "") -> None:
    """Limits on a new post: the new-profile caps on mentions and links, then the rates
    per profile and per IP (hosts are never throttled in their live event)."""
    check_new_profile_entities(profile, text)
    if client_ip() is None:
        return
    if configured("post:profile") is None and configured("post:ip") is None:
        return
    if _host_in_live_event(profile):
        return
    # One transaction for both counters (on the database cache, one read of both and
    # one write each), and a post refused by the second limit is not counted by the first.
    ip = client_ip()
    assert ip is not None
    hits = [
        (name, key, conf)
        for name, key in (("post:profile", str(profile.id)), ("post:ip", ip))
        if (conf := configured(name)) is not None
    ]
    now = time.time()
    windows = [_window(conf[1], now) for _, _, conf in hits]
    keys = [
        _key(name, key, conf[1], w[0]) for (name, key, conf), w in zip(hits, windows, strict=True)
    ]
    with transaction.atomic():
        if _on_database_cache():
            counts = _db_increment(keys, [conf[1] + 5 for _, _, conf in hits])
        else:
            counts = []
            for cache_key, (_, _, conf) in zip(keys, hits, strict=True):
                try:
                    counts.append(_increment(cache_key, conf[1] + 5))
                except _CACHE_DOWN as e:
                    metrics.record_error("redis")
                    logger.warning("rate limit not counted: the cache is unavailable (%s)", e)
                    counts.append(0)
        for count, (name, _, conf), (_, reset) in zip(counts, hits, windows, strict=True):
            if count > conf[0]:
                retry_after = max(1, math.ceil(reset - now))
                _refused_for.set(retry_after)
                raise RateLimited(_message(name, retry_after), retry_after=retry_after)
