"""Queued tasks (django-tasks) logged like requests and jobs: one line per task,
under the id of the request that enqueued it, and counted in `hashchat_jobs_total`.

Enqueueing during a request remembers the request's id beside the task (in the
shared cache, for a day); the worker that runs the task takes that id up while it
runs, so every line the task logs carries it, and logs the task's end. A task
enqueued outside a request gets an id of its own (`task-...`).
"""

import logging
import threading
import time

from django.core.cache import cache
from django_tasks import TaskResultStatus
from django_tasks.signals import task_enqueued, task_finished, task_started

from core.requestlog import JOBS, job_logger, new_id, request_id

KEY = "hashchat:task-request:{}"
_running = threading.local()


def _enqueued(sender, task_result, **kwargs) -> None:
    rid = request_id.get()
    if rid:
        try:
            cache.set(KEY.format(task_result.id), rid, 86400)
        except Exception as e:  # the task still runs, under an id of its own
            job_logger.warning("could not remember the request of task %s (%s)", task_result.id, e)


def _started(sender, task_result, **kwargs) -> None:
    try:
        rid = cache.get(KEY.format(task_result.id))
    except Exception:
        rid = None
    _running.token = request_id.set(rid or "task-" + new_id())
    _running.started = time.perf_counter()


def _finished(sender, task_result, **kwargs) -> None:
    path = task_result.task.module_path
    failed = task_result.status == TaskResultStatus.FAILED
    outcome = "failed" if failed else "done"
    JOBS.labels(path, outcome).inc()
    took = round(
        (time.perf_counter() - getattr(_running, "started", time.perf_counter())) * 1000, 2
    )
    job_logger.log(
        logging.ERROR if failed else logging.INFO,
        "task %s %s %.1fms",
        path,
        outcome,
        took,
        extra={
            "job": path,
            "outcome": outcome,
            "duration_ms": took,
            "task_id": str(task_result.id),
            "request_id": request_id.get(),
        },
    )
    token = getattr(_running, "token", None)
    if token is not None:
        request_id.reset(token)
        _running.token = None
    try:
        cache.delete(KEY.format(task_result.id))
    except Exception:
        pass


def connect() -> None:
    task_enqueued.connect(_enqueued, dispatch_uid="hashchat-task-enqueued")
    task_started.connect(_started, dispatch_uid="hashchat-task-started")
    task_finished.connect(_finished, dispatch_uid="hashchat-task-finished")
