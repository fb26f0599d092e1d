"""A task enqueued while a request is served runs under that request's id, and is
logged and counted once it ends, done or failed."""

import logging

from django_tasks import task

from core.requestlog import request_id
from core.worker import run_queue
from tests.metrics import sample

ran: list[str] = []


@task()
def remember(word: str) -> None:
    ran.append(f"{word} under {request_id.get()}")


@task()
def fail() -> None:
    raise ValueError("this task fails")


def test_a_task_runs_and_logs_under_the_request_that_enqueued_it(transactional_db, caplog):
    # (transactional: the queue's worker closes its connection between tasks)
    done = sample("hashchat_jobs_total", job="tests.core.test_tasklog.remember", outcome="done")
    token = request_id.set("req-1234567890")
    try:
        remember.enqueue("hello")
    finally:
        request_id.reset(token)
    fail.enqueue()
    with caplog.at_level(logging.INFO, logger="hashchat.job"):
        run_queue("test-worker")
    assert ran == ["hello under req-1234567890"]
    lines = {r.job: r for r in caplog.records if r.name == "hashchat.job"}
    assert lines["tests.core.test_tasklog.remember"].request_id == "req-1234567890"
    assert lines["tests.core.test_tasklog.remember"].outcome == "done"
    failed = lines["tests.core.test_tasklog.fail"]
    assert failed.outcome == "failed" and failed.levelno == logging.ERROR
    assert failed.request_id.startswith("task-")
    assert request_id.get() == "", "the worker's context is left as it was"
    assert (
        sample("hashchat_jobs_total", job="tests.core.test_tasklog.remember", outcome="done")
        == done + 1
    )
    assert sample("hashchat_jobs_total", job="tests.core.test_tasklog.fail", outcome="failed") >= 1
