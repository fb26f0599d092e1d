"""One log line per request and per job, each with an id, and request latency metrics.

`observe(app)` wraps the whole ASGI application (pages, APIs, streams, files): it
gives every request an id (or keeps a well-formed `X-Request-ID` that a trusted
proxy set), answers with it in `X-Request-ID`, and when the response has started
records the time it took by route (`hashchat_request_seconds`); when the request
ends it logs one line: method, path (never the query string, which may hold an
access token), status, duration, the client's address (the real one behind a
trusted proxy: uvicorn applies HASHCHAT_TRUSTED_PROXIES before this runs).

The id lives in a context variable: every log line written while the request is
served carries it (`RequestIdFilter`), and so does work the request hands to
another thread (`carry`) or a background job (`job`).
"""

import contextlib
import contextvars
import logging
import os
import random
import re
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from core import metrics
from core.routing import without_lookaheads

logger = logging.getLogger("hashchat.request")
job_logger = logging.getLogger("hashchat.job")

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("hashchat_request_id", default="")

REQUEST_SECONDS = metrics.histogram(
    "request_seconds",
    "Time from the request to the start of the response, by route.",
    ["route", "method"],
)
JOBS = metrics.counter("jobs", "Background jobs run, by job and outcome.", ["job", "outcome"])

_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
T = TypeVar("T")


# Request ids need to be unique, not secret (every response shows its own). They
# come from a generator of this process, seeded from the system's randomness when
# it is made and again in a forked child, rather than from uuid4: that reads the
# system's randomness for every request, a system call that hands the interpreter
# lock away, and the event loop, which makes the id, then waits for a worker thread
# to hand it back (a tenth of the loop's time under load; docs/performance.md).
_ids = random.Random()
os.register_at_fork(after_in_child=_ids.seed)


def new_id() -> str:
    """16 hex digits (64 random bits)."""
    return f"{_ids.getrandbits(64):016x}"


def route_of(scope: dict[str, Any]) -> str:
    """A label with few values: the URL pattern Django matched (set by
    RouteMiddleware), or the kind of path for what Django does not serve."""
    route = scope.get("hashchat.route")
    if route:
        return route
    path: str = scope.get("path", "")
    if path.startswith("/static/"):
        return "static"
    if path.startswith("/media/"):
        return "media"
    if path.startswith("/api/v1/streaming"):
        return "api/v1/streaming"
    if "/stream" in path:
        return "room stream"
    return "unmatched"


def observe(app):
    async def wrapped(scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            await app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        rid = incoming if _INCOMING_ID.match(incoming) else new_id()
        token = request_id.set(rid)
        started = time.perf_counter()
        state = {"status": 0, "first": 0.0}

        async def send_with_id(message):
            kind = message["type"]
            if kind in ("http.response.start", "websocket.accept", "websocket.close"):
                if not state["status"]:
                    state["status"] = message.get("status") or (
                        101 if kind == "websocket.accept" else 403
                    )
                    state["first"] = time.perf_counter() - started
                    REQUEST_SECONDS.labels(route_of(scope), scope.get("method", "WS")).observe(
                        state["first"]
                    )
                if kind == "http.response.start":
                    message = {
                        **message,
                        "headers": [*message.get("headers", []), (b"x-request-id", rid.encode())],
                    }
            await send(message)

        # Body parts pass through unchanged: a stream may write them past this
        # wrapper (live.direct follows `__wrapped__` to the server's own `send`).
        send_with_id.__wrapped__ = send  # type: ignore[attr-defined]
        try:
            await app(scope, receive, send_with_id)
        finally:
            client = scope.get("client") or ("", 0)
            logger.info(
                "%s %s %s %.1fms",
                scope.get("method", "WEBSOCKET"),
                scope.get("path", ""),
                state["status"] or "-",
                (time.perf_counter() - started) * 1000,
                extra={
                    "method": scope.get("method", "WEBSOCKET"),
                    "path": scope.get("path", ""),
                    "route": route_of(scope),
                    "status": state["status"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "first_byte_ms": round(state["first"] * 1000, 2),
                    "client": client[0],
                },
            )
            request_id.reset(token)

    return wrapped


class RouteMiddleware:
    """Tells `observe` which URL pattern served the request (a metrics label)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        scope = getattr(request, "scope", None)
        if match is not None and scope is not None:
            scope["hashchat.route"] = without_lookaheads(match.route or "") or match.view_name
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (empty outside requests and jobs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id.get()
        return True


# What must never reach a log: tokens, passwords, secrets, in any message.
_SECRET = re.compile(
    r"(?i)(bearer\s+|(?:access_token|refresh_token|client_secret|password|secret|token|(?<=[?&])code)"
    r"[\"']?\s*[=:]\s*[\"']?)([^\s&\"',;]+)"
)


def redact(text: str) -> str:
    return _SECRET.sub(lambda m: m.group(1) + "[redacted]", text)


class RedactFilter(logging.Filter):
    """Masks tokens and passwords in a record's final message, whoever wrote it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def carry(func: Callable[..., T]) -> Callable[..., T]:
    """`func` to run in another thread with this request's id (and other context)."""
    context = contextvars.copy_context()
    return lambda *args, **kwargs: context.run(func, *args, **kwargs)


@contextlib.contextmanager
def job(name: str, rid: str | None = None) -> Iterator[dict[str, Any]]:
    """Run a background job under an id (the request's that started it, if given),
    logging one line when it ends: `info["done"]` says how much it did; a job that
    did nothing logs at DEBUG, a failed one at ERROR with its traceback."""
    token = request_id.set(rid or request_id.get() or "job-" + new_id())
    info: dict[str, Any] = {"done": None}
    started = time.perf_counter()
    try:
        yield info
    except Exception:
        JOBS.labels(name, "failed").inc()
        job_logger.exception(
            "job %s failed",
            name,
            extra={"job": name, "outcome": "failed", "duration_ms": _since(started)},
        )
        raise
    else:
        JOBS.labels(name, "done").inc()
        level = logging.INFO if info["done"] else logging.DEBUG
        job_logger.log(
            level,
            "job %s done (%s) %.1fms",
            name,
            info["done"],
            _since(started),
            extra={"job": name, "outcome": "done", "duration_ms": _since(started)},
        )
    finally:
        request_id.reset(token)


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
