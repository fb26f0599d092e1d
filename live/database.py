"""Database work on the streaming path (resolving a stream, checking a token),
with the connection care every request gets.

A stream's queries run on a small pool of threads of their own, never on the
event loop and never on asyncio's default executor. Around each call the thread
does what Django does around a request (`request_started`/`request_finished`):
`close_old_connections()` closes a connection that is past `CONN_MAX_AGE`, that
failed a health check (`CONN_HEALTH_CHECKS`, e.g. after a PostgreSQL restart) or
that saw an error, so the next call opens a fresh one. Each thread keeps at most
one connection, and the pool is small, so streams hold few connections however
many are open.
"""

import asyncio
import concurrent.futures
import functools
import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import close_old_connections

T = TypeVar("T")

# Threads, so connections, for the streaming path's queries in this process. They
# run at connect time and at a stream's re-checks: short lookups, a few at a time.
THREADS = 4

_pool: concurrent.futures.ThreadPoolExecutor | None = None
_lock = threading.Lock()


def pool() -> concurrent.futures.ThreadPoolExecutor:
    global _pool
    if _pool is None:
        with _lock:
            if _pool is None:
                _pool = concurrent.futures.ThreadPoolExecutor(THREADS, "live-db")
    return _pool


def _with_connection_care(func: Callable[..., T], *args: object) -> T:
    close_old_connections()
    try:
        return func(*args)
    finally:
        close_old_connections()


async def run(func: Callable[..., T], *args: object) -> T:
    """`func(*args)` on the streaming path's database threads."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(pool(), functools.partial(_with_connection_care, func, *args))
