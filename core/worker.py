"""The background worker: periodic jobs (timed posts, reminders, freezing
transcripts) and the django-tasks queue.

`hashchat worker` runs it alone; `hashchat serve` runs it in a thread of the web
process. Several workers may run at once: every job claims its rows with a
conditional update, so none is done twice.
"""

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import close_old_connections
from django.db.utils import DatabaseError, InterfaceError
from django.utils.module_loading import import_string

logger = logging.getLogger("core.worker")

# (dotted path of a function taking no arguments, seconds between runs)
PERIODIC_JOBS: list[tuple[str, float]] = [
    # Post the welcome, questions and closing posts that are due (claimed once each).
    ("chats.scheduler.run_due", 1.0),
    # RSVP reminders, in-app and by e-mail.
    ("chats.reminders.send_due", 15.0),
    # Freeze the transcripts of events whose tail window has closed.
    ("transcripts.actions.freeze_due", 60.0),
]


# Jobs asked to run at once (nudge), and the event that wakes this process's worker.
_nudged: set[str] = set()
_nudged_lock = threading.Lock()
_wake = threading.Event()


def nudge(path: str) -> None:
    """Ask the worker running in this process (if any) to run the job `path` now
    rather than at its next turn (a delivery queued by a request, for instance).
    Elsewhere the job still runs on its schedule."""
    with _nudged_lock:
        _nudged.add(path)
    _wake.set()


def _take_nudged() -> set[str]:
    with _nudged_lock:
        taken = set(_nudged)
        _nudged.clear()
    return taken


def register_periodic_job(path: str, every: float) -> None:
    """For apps above core (in their AppConfig.ready()): run `path` every `every` seconds."""
    if (path, every) not in PERIODIC_JOBS:
        PERIODIC_JOBS.append((path, every))


@dataclass
class Job:
    path: str
    every: float
    func: Callable[[], object]
    next_run: float = 0.0
    failures: int = field(default=0)


def load_jobs() -> list[Job]:
    return [Job(path, every, import_string(path)) for path, every in PERIODIC_JOBS]


def run_queue(worker_id: str) -> None:
    """Run every task that is ready in the django-tasks queue, then return."""
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
    """Run the jobs that are due, each on its own; a failing job is retried later."""
    now = time.monotonic() if now is None else now
    nudged = _take_nudged()
    for job in jobs:
        if now < job.next_run and job.path not in nudged:
            continue
        close_old_connections()
        try:
            job.func()
            job.failures = 0
            job.next_run = now + job.every
        except (DatabaseError, InterfaceError) as e:
            # The database is away: back off and try again; claims make retries safe.
            job.failures += 1
            job.next_run = now + min(30.0, job.every * 2**job.failures)
            logger.warning("%s: database unavailable (%s); retrying", job.path, e)
        except Exception:
            job.failures += 1
            job.next_run = now + min(60.0, job.every * 2**job.failures)
            logger.exception("%s failed; retrying", job.path)
    try:
        run_queue(worker_id)
    except (DatabaseError, InterfaceError) as e:
        logger.warning("task queue: database unavailable (%s); retrying", e)
    close_old_connections()


def run_worker(
    *, once: bool = False, stop: threading.Event | None = None, interval: float = 0.5
) -> None:
    worker_id = f"hashchat-{uuid.uuid4().hex[:8]}"
    jobs = load_jobs()
    logger.info("worker %s started with %d periodic jobs", worker_id, len(jobs))
    stop = stop or threading.Event()
    while not stop.is_set():
        tick(jobs, worker_id)
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
