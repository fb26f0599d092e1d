"""The background worker: periodic jobs (timed posts, reminders, freezing
transcripts, registered by chats and transcripts with `every`) and the
django-tasks queue.

`hashchat worker` runs it alone; `hashchat serve` runs it in a thread of the web
process. Several workers may run at once: every job claims its rows with a
conditional update, so none is done twice.

The task queue is run by django-tasks-db's `Worker` class, built here in batch
mode (run what is ready, then return) between two rounds of periodic jobs. The
library's documented entry point is its `db_worker` management command, but that
command installs signal handlers, which Python allows only in the main thread,
and `hashchat serve` runs this worker in a thread of the web process. So the class
behind the command is used directly: it is not a documented API, and its
constructor's arguments changed between releases. django-tasks-db is therefore
pinned to one exact version in pyproject.toml, and
tests/reliability/test_library_internals.py fails when the constructor or the
batch behaviour relied on here changes: check them before moving the pin.
"""

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import close_old_connections
from django.db.utils import DatabaseError, InterfaceError
from django.utils import timezone

from core import metrics
from core.requestlog import job

logger = logging.getLogger("core.worker")

# (name, seconds between runs, a function taking no arguments): registered by the
# apps that own the work, in their AppConfig.ready() (core names no app).
_periodic: dict[str, tuple[float, Callable[[], object]]] = {}


def every(seconds: float, func: Callable[[], object], *, name: str | None = None) -> None:
    """Run `func` every `seconds` in the worker (e.g. chats posts its timed
    questions every second). Registering the same name again replaces it."""
    _periodic[name or f"{func.__module__}.{func.__qualname__}"] = (seconds, func)


def forget(name: str) -> None:
    """Stop running the job `name` (tests that register their own)."""
    _periodic.pop(name, None)


# Where `hashchat check` finds the last sign of life of any worker (the cache is
# shared by every process: Redis, or the database's cache table).
HEARTBEAT_KEY = "hashchat:worker:heartbeat"
HEARTBEAT_EVERY = 5.0


# Jobs asked to run at once (nudge), and the event that wakes this process's worker.
_nudged: set[str] = set()
_nudged_lock = threading.Lock()
_wake = threading.Event()


# Called with each nudged job's name: a worker in another process that this one
# can reach (live.local_bridge) is told too.
_nudge_listeners: list[Callable[[str], None]] = []


def add_nudge_listener(listener: Callable[[str], None]) -> Callable[[], None]:
    """Call `listener(path)` on every nudge from now on; answers its remover."""
    _nudge_listeners.append(listener)
    return lambda: _nudge_listeners.remove(listener) if listener in _nudge_listeners else None


def nudge(path: str) -> None:
    """Ask the worker running in this process (if any), and one reached through a
    nudge listener, to run the job named `path` (see `every`) now rather than at its
    next turn (a delivery queued by a request, for instance).
    Elsewhere the job still runs on its schedule."""
    wake(path)
    for listener in list(_nudge_listeners):
        try:
            listener(path)
        except Exception:
            logger.exception("a nudge listener failed")


def wake(path: str) -> None:
    """Run the job `path` now in the worker of this process (a nudge from another)."""
    with _nudged_lock:
        _nudged.add(path)
    _wake.set()


def _take_nudged() -> set[str]:
    with _nudged_lock:
        taken = set(_nudged)
        _nudged.clear()
    return taken


@dataclass
class Job:
    path: str
    every: float
    func: Callable[[], object]
    next_run: float = 0.0
    failures: int = field(default=0)


def load_jobs() -> list[Job]:
    return [Job(name, seconds, func) for name, (seconds, func) in _periodic.items()]


def run_queue(worker_id: str) -> None:
    """Run every task that is ready in the django-tasks queue, then return."""
    # Start-up cost: the task queue's worker loads only in a process that runs it.
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


def tick(jobs: list[Job], worker_id: str, now: float | None = None) -> None:
    """Run the jobs that are due, each on its own; a failing job is retried later.
    Each run is logged as one line under an id of its own (core.requestlog.job)."""
    now = time.monotonic() if now is None else now
    nudged = _take_nudged()
    for item in jobs:
        if now < item.next_run and item.path not in nudged:
            continue
        close_old_connections()
        try:
            with job(item.path) as info:
                info["done"] = item.func()
            item.failures = 0
            item.next_run = now + item.every
        except (DatabaseError, InterfaceError) as e:
            # The database is away: back off and try again; claims make retries safe.
            item.failures += 1
            item.next_run = now + min(30.0, item.every * 2**item.failures)
            metrics.record_error("database")
            logger.warning("%s: database unavailable (%s); retrying", item.path, e)
        except Exception:
            item.failures += 1
            item.next_run = now + min(60.0, item.every * 2**item.failures)
            logger.warning("%s failed; retrying", item.path)
    try:
        run_queue(worker_id)
    except (DatabaseError, InterfaceError) as e:
        metrics.record_error("database")
        logger.warning("task queue: database unavailable (%s); retrying", e)
    close_old_connections()


def beat(worker_id: str, started: float) -> None:
    """Tell `hashchat check` this worker is alive (best effort: the cache may be away)."""
    try:
        cache.set(
            HEARTBEAT_KEY,
            {
                "worker": worker_id,
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "at": timezone.now().isoformat(),
                "up_seconds": round(time.monotonic() - started),
            },
            timeout=3600,
        )
    except Exception as e:
        logger.warning("could not record the worker's heartbeat (%s)", e)


def last_heartbeat() -> dict | None:
    return cache.get(HEARTBEAT_KEY)


def queue_depth() -> list:
    """Scrape-time figure: tasks waiting in the django-tasks queue."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready().count()
    failed = DBTaskResult.objects.failed().count()
    return [
        metrics.gauge_family("task_queue_depth", "Tasks ready and waiting in the queue.", waiting),
        metrics.gauge_family("task_queue_failed", "Tasks of the queue that failed.", failed),
    ]


def run_worker(
    *, once: bool = False, stop: threading.Event | None = None, interval: float = 0.5
) -> None:
    worker_id = f"hashchat-{uuid.uuid4().hex[:8]}"
    jobs = load_jobs()
    logger.info("worker %s started with %d periodic jobs", worker_id, len(jobs))
    stop = stop or threading.Event()
    started = last_beat = time.monotonic()
    beat(worker_id, started)
    while not stop.is_set():
        tick(jobs, worker_id)
        if time.monotonic() - last_beat >= HEARTBEAT_EVERY:
            last_beat = time.monotonic()
            beat(worker_id, started)
        if once:
            return
        # Sleep until the next turn, or until a job is nudged.
        _wake.wait(interval)
        _wake.clear()


def start_in_thread() -> threading.Event:
    """For `hashchat serve`: run the worker in a daemon thread; set the event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_worker, kwargs={"stop": stop}, name="hashchat-worker", daemon=True
    )
    thread.start()
    return stop
