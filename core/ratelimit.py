"""Rate limits: the mechanism. The apps decide the policies (which limits a request
counts against, who is exempt); this module counts, refuses and reports.

    status = hit("post:profile", str(profile.id), limit=30, window=60, message="...")

counts one request for a key in the current window of `window` seconds and raises
core.errors.RateLimited (HTTP 429, with `retry_after` seconds until the window
ends) once more than `limit` requests were counted in it. `peek` reads the count
without adding to it, `clear` forgets it.

Counting stands on the `limits` library's storages, in fixed windows (a count is the
storage's atomic increment, compared with the limit, as limits' fixed-window
strategy does): Redis when REDIS_URL is set, so that every web process shares the
counters (an INCR per request: atomic, whatever the number of processes), and
otherwise the memory of the process. Without Redis hashchat runs one web process (`hashchat
serve --processes N` requires REDIS_URL), so the memory counters are exact there;
a deployment that started several web processes without Redis would count per
process, each process allowing the whole limit (docs/security.md). Windows are
aligned to the clock (the window's start is part of the key), so every process
agrees on when a window ends, and X-RateLimit-Reset is the same for every client.

The configured limits (settings.HASHCHAT["RATE_LIMITS"], name -> (limit, window))
apply to what clients ask for: the middleware records the client's address for the
request (`serving()`), and `limit_client` does nothing without one, so the worker,
the demo and the command line are never throttled.

Policies plug in without this module knowing the apps: `exempt_when(name, check)`
registers who a limit leaves alone (chats registers "a host in their live event" for
posting), and the app that owns a limit calls `limit_client`/`hit_all` with its names.
"""

import contextlib
import contextvars
import functools
import hashlib
import logging
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from django.conf import settings
from limits import RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import storage_from_string

from core import metrics
from core.errors import RateLimited

logger = logging.getLogger("core.ratelimit")

# Part of every key; the test suite changes it per test so counters never leak between tests.
NAMESPACE = "rl"
DEFAULT_MESSAGE = "Too many requests."

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "hashchat_client_ip", default=None
)
# What the limits said during this request: every status counted, and the one that
# refused (the middleware and the Mastodon API report it in X-RateLimit-* headers).
_counted: contextvars.ContextVar[list["RateStatus"] | None] = contextvars.ContextVar(
    "hashchat_rate_counted", default=None
)
_refused: contextvars.ContextVar["RateStatus | None"] = contextvars.ContextVar(
    "hashchat_rate_refused", default=None
)

_exemptions: dict[str, list[Callable[[Any], bool]]] = {}


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

    def retry_after(self, now: float | None = None) -> int:
        return max(1, math.ceil(self.reset_at.timestamp() - (now or time.time())))


@functools.cache
def _storage() -> Any:
    """The configured storage of counters (settings.RATE_LIMIT_STORAGE), made once per
    process. Its errors are wrapped in limits.errors.StorageError."""
    uri = cast(str, getattr(settings, "RATE_LIMIT_STORAGE", "memory://"))
    options: dict[str, Any] = {"wrap_exceptions": True}
    if uri.startswith(("redis://", "rediss://")):
        options["key_prefix"] = f"{settings.REDIS_PREFIX}:limits"
        options["socket_timeout"] = 2
        options["socket_connect_timeout"] = 2
    return storage_from_string(uri, **options)


def reset_storage() -> None:
    """Forget the storage (tests that change settings.RATE_LIMIT_STORAGE)."""
    _storage.cache_clear()


def _item(bucket: str, key: str, limit: int, window: int, now: float):
    """The limits item and identifiers for a key's counter in the window holding `now`."""
    start = int(now // window) * window
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    item = RateLimitItemPerSecond(limit, window, namespace="hashchat")
    # The window's start is in the key: a new window is a new counter.
    return item, (NAMESPACE, bucket, str(start), digest), float(start + window)


def _status(limit: int, count: int, reset: float) -> RateStatus:
    return RateStatus(
        limit=limit, remaining=max(0, limit - count), reset_at=datetime.fromtimestamp(reset, UTC)
    )


def _note(status: RateStatus) -> None:
    counted = _counted.get()
    if counted is not None:
        counted.append(status)


def _message(first: str, retry_after: int) -> str:
    wait = f"{retry_after} second{'s' if retry_after != 1 else ''}"
    if retry_after >= 120:
        wait = f"{math.ceil(retry_after / 60)} minutes"
    return f"{first} Try again in {wait}."


def _refuse(status: RateStatus, message: str, now: float) -> RateLimited:
    _refused.set(status)
    retry_after = status.retry_after(now)
    return RateLimited(_message(message, retry_after), retry_after=retry_after)


def _count(bucket: str, key: str, limit: int, window: int, now: float) -> tuple[bool, RateStatus]:
    """Add one to the counter: (whether it stayed within the limit, the status after).
    The increment is the storage's own (on Redis one script, INCR with the key's
    expiry; a lock in memory): atomic. It answers the new count, which is compared
    with the limit; the status is made from it and the window's end, known here
    (windows are aligned to the clock), rather than from limits' window stats, which
    read the counter and its expiry again: on Redis two more round trips for every
    limit a request counts against."""
    item, ids, reset = _item(bucket, key, limit, window, now)
    count = _storage().incr(item.key_for(*ids), item.get_expiry())
    return count <= limit, _status(limit, count, reset)


def hit(
    bucket: str, key: str, *, limit: int, window: int, message: str = DEFAULT_MESSAGE
) -> RateStatus:
    """Count one request for `key` in `bucket`; raise RateLimited past `limit` per `window` s."""
    now = time.time()
    try:
        allowed, status = _count(bucket, key, limit, window, now)
    except StorageError as e:
        # Redis away for a moment: let the request through rather than fail it.
        metrics.record_error("redis")
        logger.warning("rate limit %s not counted: its storage is unavailable (%s)", bucket, e)
        return _status(limit, 0, _item(bucket, key, limit, window, now)[2])
    _note(status)
    if not allowed:
        raise _refuse(status, message, now)
    return status


def peek(bucket: str, key: str, *, limit: int, window: int) -> RateStatus:
    """The state of the counter without counting a request."""
    now = time.time()
    item, ids, reset = _item(bucket, key, limit, window, now)
    try:
        count = _storage().get(item.key_for(*ids))
    except StorageError:
        count = 0
    return _status(limit, count, reset)


def clear(bucket: str, key: str, *, limit: int, window: int) -> None:
    """Forget the current window's count for `key` (a login that succeeded)."""
    item, ids, _ = _item(bucket, key, limit, window, time.time())
    try:
        _storage().clear(item.key_for(*ids))
    except StorageError as e:
        logger.warning("rate limit %s not cleared: its storage is unavailable (%s)", bucket, e)


def configured(name: str) -> tuple[int, int] | None:
    """(limit, window) for a limit in settings.HASHCHAT["RATE_LIMITS"]; None when off."""
    limits = cast(dict[str, tuple[int, int]], settings.HASHCHAT.get("RATE_LIMITS", {}))
    value = limits.get(name)
    if not value or value[0] <= 0:
        return None
    return int(value[0]), int(value[1])


def limit(name: str, key: str, message: str = DEFAULT_MESSAGE) -> RateStatus | None:
    """Count a request against the configured limit `name` (e.g. "login:ip")."""
    conf = configured(name)
    if conf is None:
        return None
    return hit(name, key, limit=conf[0], window=conf[1], message=message)


def hit_all(named_keys: list[tuple[str, str]], message: str = DEFAULT_MESSAGE) -> None:
    """Count one request against several configured limits together, so that a
    request one of them refuses is counted by none of the others (a post refused per
    IP does not use up the profile's own allowance). The limits after the first are
    read first; then the first is counted, and a refusal there counts nothing else
    (it only adds to a counter already past its limit, which the window's end clears
    as it would have); then the rest. On Redis that is one round trip fewer than
    reading every limit. Two requests at the same instant may both pass the reading;
    each is still counted atomically."""
    now = time.time()
    active = [(n, k, c) for n, k in named_keys if (c := configured(n)) is not None]
    for name, key, (count, window) in active[1:]:
        status = peek(name, key, limit=count, window=window)
        if status.remaining <= 0:
            _note(status)
            raise _refuse(status, message, now)
    for name, key, (count, window) in active:
        hit(name, key, limit=count, window=window, message=message)


def exempt_when(name: str, check: Callable[[Any], bool]) -> None:
    """Register a policy: `check(subject)` true means limit `name` leaves `subject` alone.
    Apps register theirs in AppConfig.ready()."""
    checks = _exemptions.setdefault(name, [])
    if check not in checks:
        checks.append(check)


def is_exempt(name: str, subject: Any) -> bool:
    return any(check(subject) for check in _exemptions.get(name, ()))


def client_ip() -> str | None:
    """The address of the client whose request is being served, if any."""
    return _client_ip.get()


@contextlib.contextmanager
def serving(ip: str | None) -> Iterator[None]:
    """Mark the code inside as serving a client request from `ip` (the middleware does)."""
    token = _client_ip.set(ip or "unknown")
    counted = _counted.set([])
    refused = _refused.set(None)
    try:
        yield
    finally:
        _client_ip.reset(token)
        _counted.reset(counted)
        _refused.reset(refused)


def refused() -> RateStatus | None:
    """The limit that refused something in this request, if one did."""
    return _refused.get()


def refused_for() -> int | None:
    """Seconds until the limit that refused something in this request lets it through."""
    status = _refused.get()
    return None if status is None else status.retry_after()


def applying() -> RateStatus | None:
    """The limit this request's response should describe: the one that refused it, or
    else the counted one with the fewest requests left (the first to refuse the next)."""
    status = _refused.get()
    if status is not None:
        return status
    counted = _counted.get() or []
    if not counted:
        return None
    return min(counted, key=lambda s: (s.remaining, s.reset_at))


def limit_client(
    name: str, key: str | None = None, message: str = DEFAULT_MESSAGE
) -> RateStatus | None:
    """Count a client request against limit `name`, keyed by `key` or the client's IP.
    Outside a client request (worker, demo, command line) it counts nothing."""
    ip = client_ip()
    if ip is None:
        return None
    return limit(name, key if key is not None else ip, message)
