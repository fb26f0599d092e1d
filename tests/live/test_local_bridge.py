"""live.local_bridge: a worker process's live events reach the web process's hub over
a Unix socket, numbered there in the order they came; the web process's nudges reach
the worker's jobs. Both ends run here on a real socket, the web end on an event loop
of its own as in `hashchat serve`."""

import asyncio
import socket
import threading
import time

import pytest

from core import worker
from live.envelope import Envelope
from live.hub import Hub
from live.local_bridge import WebEnd, WorkerEnd

STREAM = ("hashtag:bridgetest",)


class Web:
    def __init__(self, path: str) -> None:
        self.hub = Hub()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.end = WebEnd(self.hub, path)
        self.call(self._start())
        self.before = self.hub.current_id()

    async def _start(self) -> None:
        self.hub.attach()
        await self.end.start()

    def call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(5)

    async def _replay(self) -> list[Envelope]:
        return self.hub.replay(STREAM, self.before) or []

    def received(self, count: int) -> list[Envelope]:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            found = self.call(self._replay())
            if len(found) >= count:
                return found
            time.sleep(0.01)
        raise AssertionError(f"{count} events did not arrive (got {len(found)})")

    def close(self) -> None:
        self.call(self.end.stop())
        self.call(self.hub.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "live.sock")


@pytest.fixture
def web(path):
    web = Web(path)
    yield web
    web.close()


def event(n: int) -> Envelope:
    return Envelope(0, STREAM, "update", f'{{"n": {n}}}', author_id="7", is_repost=n == 2)


def test_the_worker_events_reach_the_web_hub_numbered_in_order(web, path):
    sender = WorkerEnd(path)
    sender.start()
    try:
        assert sender.connected.wait(5)
        for n in range(3):
            sender.publish(event(n))
        got = web.received(3)
    finally:
        sender.stop()
    assert [e.data for e in got] == ['{"n": 0}', '{"n": 1}', '{"n": 2}']
    assert [e.is_repost for e in got] == [False, False, True]
    assert {e.author_id for e in got} == {"7"} and {e.streams for e in got} == {STREAM}
    ids = [e.id for e in got]
    assert ids == sorted(ids) and ids[0] > web.before


def test_a_long_event_arrives_whole(web, path):
    long = '{"content": "' + "x" * 300_000 + '"}'
    sender = WorkerEnd(path)
    sender.start()
    try:
        assert sender.connected.wait(5)
        sender.publish(Envelope(0, STREAM, "update", long))
        sender.publish(event(1))
        got = web.received(2)
    finally:
        sender.stop()
    assert [e.data for e in got] == [long, '{"n": 1}']


def test_events_published_before_the_web_process_listens_are_sent_on_connecting(path):
    sender = WorkerEnd(path)
    sender.start()
    try:
        sender.publish(event(0))
        sender.publish(event(1))
        assert not sender.connected.is_set()
        web = Web(path)
        try:
            assert [e.data for e in web.received(2)] == ['{"n": 0}', '{"n": 1}']
        finally:
            web.close()
    finally:
        sender.stop()


def test_a_malformed_line_is_skipped_and_the_connection_goes_on(web, path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
        raw.connect(path)
        raw.sendall(b"not an event\n" + event(5).wire().encode() + b"\n")
        (got,) = web.received(1)
    assert got.data == '{"n": 5}'


@pytest.mark.django_db(transaction=True)
def test_a_nudge_in_the_web_process_runs_the_job_in_the_worker_process(web, path):
    ran: list[int] = []
    job = worker.Job("tests.bridge.job", 60.0, lambda: ran.append(1), next_run=1e12)
    worker.tick([job], "test", now=0.0)  # nudges left by earlier tests
    ran.clear()
    sender = WorkerEnd(path)
    sender.start()
    try:
        assert sender.connected.wait(5)
        # (A nudge before the web end has taken the connection reaches no worker: the
        # job then waits for its turn, as it would without a nudge.)
        deadline = time.monotonic() + 5
        while not web.end.writers and time.monotonic() < deadline:
            time.sleep(0.01)
        worker.tick([job], "test", now=0.0)
        assert ran == []  # not due
        # What worker.nudge calls in the web process (its listener), alone: the job is
        # run only because the line reached the worker's end.
        web.end.nudge("tests.bridge.job")
        deadline = time.monotonic() + 5
        while not ran and time.monotonic() < deadline:
            worker.tick([job], "test", now=0.0)
            time.sleep(0.01)
        assert ran == [1]
    finally:
        sender.stop()


def test_a_nudge_listener_hears_every_nudge_until_removed():
    heard: list[str] = []
    remove = worker.add_nudge_listener(heard.append)
    try:
        worker.nudge("tests.bridge.other")
    finally:
        remove()
    worker.nudge("tests.bridge.after")
    assert heard == ["tests.bridge.other"]
