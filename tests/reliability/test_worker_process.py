"""On two cores or more, `hashchat serve` on the embedded default (SQLite, no Redis)
runs its worker as a process of its own, whose live events reach the web process's
streams over a local socket (live.local_bridge); the web process restarts a worker
that dies, and the worker dies with it."""

import json
import os
import signal
import textwrap
import time
from pathlib import Path

import pytest

from tests.live.helpers import sse_stream
from tests.server import start_server

pytestmark = pytest.mark.skipif(
    len(os.sched_getaffinity(0)) < 2, reason="one core: the worker runs in the web process"
)

QUESTION = textwrap.dedent(
    """
    from datetime import time, timedelta
    from django.utils import timezone
    from accounts import actions as accounts
    from accounts.models import User
    from chats import actions as chats
    from chats.models import Series
    hana = User.objects.filter(username="hana").first() or accounts.sign_up(
        username="hana", email="hana@example.org", password="hana-secret-pw", timezone="UTC")
    series = Series.objects.filter(hashtag="workertest").first() or chats.create_series(
        user=hana, organiser=hana.personal_profile, hashtag="workertest", title="Worker",
        timezone="UTC", rrule="FREQ=DAILY", start_time=time(0, 0))
    chats.create_event(user=hana, series=series, topic="{topic}",
        starts_at=timezone.now() + timedelta(seconds=2),
        questions=[{{"kind": "question", "text": "{text}", "offset": 0}}])
    """
)


def worker_processes(pid: int) -> list[int]:
    """The `hashchat worker` children of `pid` (started by any of its threads)."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    found = []
    for child in children:
        try:
            with open(f"/proc/{child}/cmdline", "rb") as f:
                if f.read().split(b"\0")[1:4] == [b"-m", b"hashchat.cli", b"worker"]:
                    found.append(child)
        except OSError:
            continue
    return found


def ask_and_hear(server, reader, topic: str, text: str) -> None:
    """A question timed two seconds ahead: the worker posts it; the stream carries it."""
    server.hashchat("manage", "shell", "-c", QUESTION.format(topic=topic, text=text))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        (event,) = reader.events(1)
        if event["event"] == "update" and text in json.loads(event["data"])["content"]:
            return
    raise AssertionError(f"{text!r} never reached the stream")


def test_the_worker_is_a_process_whose_events_reach_the_streams(tmp_path):
    # Without Redis (which, in the scale-out lane, would carry the events instead).
    server = start_server(data_dir=tmp_path, env={"REDIS_URL": ""})
    try:
        (first,) = worker_processes(server.process.pid)
        url = f"{server.url}/api/v1/streaming/hashtag?tag=workertest"
        with sse_stream(url) as reader:
            ask_and_hear(server, reader, "First", "Posted by the worker process?")
        # A worker that dies is replaced, and the new one's events arrive too.
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = worker_processes(server.process.pid)
            if now and now != [first]:
                break
            time.sleep(0.2)
        (second,) = worker_processes(server.process.pid)
        assert second != first
        with sse_stream(url) as reader:
            ask_and_hear(server, reader, "Second", "And by the one after it?")
    finally:
        server.kill(signal.SIGTERM)
    # The kernel stops the worker with serve (its parent-death signal).
    deadline = time.monotonic() + 20
    while _running(second) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(second), "the worker stopped with serve"


def _running(pid: int) -> bool:
    try:
        return not Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except OSError:
        return False


def test_one_core_or_in_process_worker_keeps_a_single_process(tmp_path):
    server = start_server(data_dir=tmp_path, args=("--in-process-worker",))
    try:
        assert worker_processes(server.process.pid) == []
    finally:
        server.kill(signal.SIGTERM)
