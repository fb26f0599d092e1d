"""Django's ASGI handler, run the way a threaded WSGI server runs Django.

Django's own ASGI handler runs the middleware chain in async mode: every
request gets a thread of its own (so a database connection of its own, opened
and closed each time), and each step between synchronous and asynchronous
middleware, signal or response close hops between that thread and the event
loop, three to a dozen hops per request. hashchat's views and middleware are
synchronous, so this handler loads the chain in sync mode and does everything
between reading the request body and sending the response in one call on a
pooled worker thread: request_started, the middleware and view, and (for a
response that is not streamed) the response's close and request_finished.
Each worker thread keeps its database connection between requests
(`CONN_MAX_AGE`, with health checks); the request_started and request_finished
signals check and close it in that same thread, exactly as under WSGI.

Requests that only read and requests that write run on two pools of their
own, chosen by what the view does: a GET, HEAD or OPTIONS reads, unless its view
is marked `@writes` (a GET should write nothing, but where one must, the mark
sends it to the writers); every other method writes.

A read spends its time in Python, and Python runs one thread at a time: a few
reader threads serve more pages than many, which spend their time handing the
interpreter lock to each other (SQLite's driver lets go of it for every row it
steps through). On SQLite even two do, so there they take turns (`ReadTurns`): one
read at a time, unless the one before it runs past a short wait. A write may wait
for SQLite's writer lock, or for the network to PostgreSQL; waiting costs no
interpreter time, so writes get more threads, and reads never queue behind them.
The figures that led here are in docs/performance.md ("Request handling", and
"Reads take turns").

Django documents its ASGI handler as an application to run, not as a class to
build on: the methods this one calls (`read_body`, `create_request`,
`get_response`, `send_response`, `load_middleware`) are its working parts, and
may change in any release. The public alternative (Django's WSGI handler on a
thread pool, through an ASGI-to-WSGI bridge) has not been measured against
this one yet; until it is, and stays within 10% of it, Django is pinned to one
exact version in pyproject.toml and tests/reliability/test_library_internals.py
fails when one of these methods changes its signature: read the release's
changes to django/core/handlers/ before moving the pin.
"""

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import django
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.exception import response_for_exception
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import FileResponse, HttpResponseBase
from django.urls import Resolver404, URLResolver, get_resolver, set_script_prefix

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Worker threads per process; each keeps one database connection. Reads: two on
# SQLite (one more than the interpreter runs at once, so a slow export does not hold
# up every page), four on PostgreSQL, whose queries wait on the network. Sixteen
# reader threads served about half as many pages on SQLite (docs/performance.md).
READ_THREADS = {"sqlite": 2}
READ_THREADS_DEFAULT = 4
# Writes: eight on PostgreSQL, whose row locks wake a waiter at once; two on SQLite,
# where a writer waiting for the database's lock sleeps in SQLite's busy handler
# (1, 2, 5 ... up to 100 ms between tries) and the lock stays idle while it sleeps:
# posting at 8 clients, eight write threads gave a p99 of 1.1 to 1.4 s, two about
# 0.25 to 0.29 s, at the same rate (docs/performance.md).
WRITE_THREADS = {"sqlite": 2}
WRITE_THREADS_DEFAULT = 8
# On SQLite the reader threads take turns: a read waits up to this long for the one
# before it to finish, then runs beside it. Two reads at once hand the interpreter
# lock to each other at every row SQLite steps through (some 45 thread switches a
# home page instead of 3), and cost a third more CPU for fewer pages a second; one
# at a time, a slow page (a big room, an export) still holds the others up no longer
# than this (docs/performance.md, "Reads take turns").
READ_TURN_WAIT = {"sqlite": 0.02}


def write_threads(vendor: str) -> int:
    return WRITE_THREADS.get(vendor, WRITE_THREADS_DEFAULT)


View = TypeVar("View", bound=Callable[..., Any])


def writes(view: View) -> View:
    """Mark a view that writes even when asked with GET or HEAD, so that it runs on
    the write pool and never holds up the readers (nor waits for SQLite's writer
    lock on a reader thread). Prefer a GET that writes nothing."""
    view.hashchat_writes = True  # type: ignore[attr-defined]
    return view


@functools.lru_cache(maxsize=4096)
def view_writes(urlconf: str, path: str) -> bool:
    """Whether the view at `path` is marked @writes (remembered per path)."""
    try:
        match = get_resolver(urlconf).resolve(path)
    except Resolver404:
        return False
    return bool(getattr(match.func, "hashchat_writes", False))


@functools.cache
def any_view_writes(urlconf: str) -> bool:
    """Whether any view of `urlconf` is marked @writes (its URL patterns walked once).
    When none is, a GET is a read whatever its path, and the event loop need not
    resolve every new path (each status's address is new: 20 to 70 µs a miss)."""

    def marked(patterns) -> bool:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if marked(pattern.url_patterns):
                    return True
            elif getattr(pattern.callback, "hashchat_writes", False):
                return True
        return False

    return marked(get_resolver(urlconf).url_patterns)


def reads(scope) -> bool:
    """Whether a request only reads: a GET, HEAD or OPTIONS to a view not marked @writes."""
    if scope["method"] not in READ_METHODS:
        return False
    if not any_view_writes(settings.ROOT_URLCONF):
        return True
    path = scope["path"]
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return not view_writes(settings.ROOT_URLCONF, path)


class ThreadedASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        # Django's constructor loads the chain for async mode: load it again, in sync
        # mode, as a WSGI server runs it (once, at start-up).
        self.load_middleware(is_async=False)
        vendor = connections[DEFAULT_DB_ALIAS].vendor
        self.read_pool = ThreadPoolExecutor(
            max_workers=READ_THREADS.get(vendor, READ_THREADS_DEFAULT),
            thread_name_prefix="hashchat-read",
        )
        self.write_pool = ThreadPoolExecutor(
            max_workers=write_threads(vendor), thread_name_prefix="hashchat-write"
        )
        self.read_turn = ReadTurns(READ_TURN_WAIT.get(vendor))
        self._read = sync_to_async(
            self._serve_read, thread_sensitive=False, executor=self.read_pool
        )
        self._write = sync_to_async(self._serve, thread_sensitive=False, executor=self.write_pool)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"hashchat's pages serve HTTP only, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def handle(self, scope, receive, send):
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            set_script_prefix(get_script_prefix(scope))
            serve = self._read if reads(scope) else self._write
            response = await serve(scope, body_file)
            try:
                await self.send_response(response, send)
            finally:
                if response.streaming:
                    await sync_to_async(response.close, thread_sensitive=False)()
        finally:
            body_file.close()

    def _serve_read(self, scope, body_file) -> HttpResponseBase:
        with self.read_turn():
            return self._serve(scope, body_file)

    def _serve(self, scope, body_file) -> HttpResponseBase:
        """The request from start to finish on this worker thread, as Django's WSGI
        handler runs it; a streamed response is closed after it was sent."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        response: HttpResponseBase
        if request is None:
            assert error_response is not None
            response = error_response
        else:
            try:
                response = self.get_response(request)
            except Exception as exc:  # a middleware or signal failed outside the chain
                response = response_for_exception(request, exc)
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size
        if not response.streaming:
            response.close()
        return response


class ReadTurns:
    """Reads one at a time, each waiting at most `wait` seconds for the one before
    it (None: no turns, every read runs at once, as on PostgreSQL, whose reads wait
    on the network). Calling it gives the turn as a context manager."""

    def __init__(self, wait: float | None) -> None:
        self.wait = wait
        self.lock = threading.Lock()

    @contextlib.contextmanager
    def __call__(self) -> Iterator[bool]:
        if self.wait is None:
            yield False
            return
        taken = self.lock.acquire(timeout=self.wait)
        try:
            yield taken
        finally:
            if taken:
                self.lock.release()


def get_application() -> ThreadedASGIHandler:
    django.setup(set_prefix=False)
    return ThreadedASGIHandler()
