"""The few places where hashchat stands on another library's undocumented
internals, each for a measured reason (see the module named): those libraries
are pinned to one exact version in pyproject.toml, and these tests fail when an
internal relied on changes, so that moving a pin is a decision, not a surprise.

- core/worker.py builds django-tasks-db's `Worker` (the class behind `db_worker`);
- core/handler.py drives Django's ASGIHandler and BaseHandler methods itself;
- live/direct.py writes to uvicorn's httptools response cycle (its byte-for-byte
  test is tests/live/test_direct.py; here: the attributes it reads).
"""

import inspect

from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from uvicorn.protocols.http import flow_control
from uvicorn.protocols.http.httptools_impl import RequestResponseCycle

from core.worker import run_queue
from live.direct import CYCLE_MODULE


def parameters(func) -> list[str]:
    return [name for name in inspect.signature(func).parameters if name != "self"]


@task()
def add(a: int, b: int) -> int:
    return a + b


def test_the_task_worker_takes_the_arguments_core_worker_passes():
    assert parameters(Worker.__init__) == [
        "queue_names",
        "interval",
        "batch",
        "backend_name",
        "startup_delay",
        "max_tasks",
        "worker_id",
        "excluded_queue_names",
    ]


def test_a_batch_run_does_what_is_ready_and_returns(transactional_db):
    result = add.enqueue(2, 3)

    run_queue("hashchat-test")

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5


def test_the_django_handler_methods_core_handler_calls_are_unchanged():
    assert parameters(ASGIHandler.__init__) == []
    assert parameters(BaseHandler.load_middleware) == ["is_async"]
    assert parameters(BaseHandler.get_response) == ["request"]
    assert parameters(ASGIHandler.read_body) == ["receive"]
    assert parameters(ASGIHandler.create_request) == ["scope", "body_file"]
    assert parameters(ASGIHandler.send_response) == ["response", "send"]
    assert inspect.iscoroutinefunction(ASGIHandler.read_body)
    assert inspect.iscoroutinefunction(ASGIHandler.send_response)
    assert isinstance(ASGIHandler.chunk_size, int)


def test_uvicorn_response_cycle_has_what_the_direct_writer_reads():
    assert RequestResponseCycle.__module__ == CYCLE_MODULE
    source = inspect.getsource(RequestResponseCycle)
    for attribute in (
        "self.transport",
        "self.flow",
        "self.chunked_encoding",
        "self.response_started",
        "self.response_complete",
        "self.disconnected",
    ):
        assert attribute in source, attribute
    assert "self.write_paused" in inspect.getsource(flow_control.FlowControl)
