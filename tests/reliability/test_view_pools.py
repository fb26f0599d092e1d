"""Requests go to the read or the write pool by what their view does, not by their
method alone: a GET to a view marked @writes runs on a writer thread
(core/handler.py). On SQLite reads take turns, and a slow one holds the next up no
longer than the turn's wait. (The pages that wrote on GET no longer do: see
tests/posts/test_notifications_page.py and tests/transcripts/test_feeds_write_nothing.py.)"""

import asyncio
import threading

import pytest
from django.db import connection

from core.handler import (
    READ_TURN_WAIT,
    ReadTurns,
    ThreadedASGIHandler,
    any_view_writes,
    reads,
    view_writes,
)
from tests.reliability.writing_views import SlowRead


def scope(method: str, path: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }


async def call(handler: ThreadedASGIHandler, method: str, path: str) -> tuple[int, str]:
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await handler(scope(method, path), receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body.decode()


@pytest.fixture
def writing_urls(settings):
    settings.ROOT_URLCONF = "tests.reliability.writing_views"


def test_a_get_to_a_view_marked_as_writing_is_not_a_read(writing_urls):
    assert reads(scope("GET", "/reads/"))
    assert not reads(scope("GET", "/writes/"))
    assert not reads(scope("HEAD", "/writes/"))
    assert not reads(scope("POST", "/reads/"))
    # An unknown path is a read (Django answers it with a 404).
    assert reads(scope("GET", "/nowhere/"))


def test_without_a_writing_view_a_get_is_a_read_without_resolving_its_path(settings):
    """hashchat marks no view @writes today: the event loop then sends every GET to the
    readers without resolving its path (the marks are looked for once per URL table)."""
    assert any_view_writes("tests.reliability.writing_views")
    assert not any_view_writes(settings.ROOT_URLCONF)
    before = view_writes.cache_info()
    assert reads(scope("GET", "/api/v1/statuses/123456789"))
    assert reads(scope("HEAD", "/@nobody"))
    assert not reads(scope("POST", "/api/v1/statuses"))
    after = view_writes.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses)


async def test_the_handler_runs_a_writing_get_on_a_writer_thread(writing_urls):
    handler = ThreadedASGIHandler()
    try:
        status, name = await call(handler, "GET", "/writes/")
        assert status == 200 and name.startswith("hashchat-write")
        status, name = await call(handler, "GET", "/reads/")
        assert status == 200 and name.startswith("hashchat-read")
    finally:
        handler.read_pool.shutdown()
        handler.write_pool.shutdown()


def test_reads_on_sqlite_take_turns_and_on_postgresql_do_not():
    assert READ_TURN_WAIT["sqlite"] > 0
    handler = ThreadedASGIHandler()
    try:
        assert handler.read_turn.wait == READ_TURN_WAIT.get(connection.vendor)
    finally:
        handler.read_pool.shutdown()
        handler.write_pool.shutdown()
    turns = ReadTurns(READ_TURN_WAIT.get("postgresql"))
    with turns() as first, turns() as second:
        assert (first, second) == (False, False)


def test_a_read_waits_for_the_turn_of_the_one_before_it():
    turns = ReadTurns(wait=30)
    order: list[str] = []

    def second_read():
        with turns() as taken:
            order.append(f"second ran, turn taken: {taken}")

    with turns() as taken:
        assert taken
        other = threading.Thread(target=second_read)
        other.start()
        other.join(timeout=0.2)
        assert other.is_alive()  # waiting for this turn
        order.append("first done")
    other.join(timeout=10)
    assert order == ["first done", "second ran, turn taken: True"]


async def test_a_slow_read_holds_the_next_up_no_longer_than_the_wait(writing_urls):
    handler = ThreadedASGIHandler()
    handler.read_turn.wait = 0.05
    SlowRead.started.clear()
    SlowRead.finish.clear()
    try:
        slow = asyncio.ensure_future(call(handler, "GET", "/slow/"))
        assert await asyncio.to_thread(SlowRead.started.wait, 10)
        # The slow read still holds its turn; the next read runs beside it.
        status, name = await asyncio.wait_for(call(handler, "GET", "/reads/"), 10)
        assert status == 200 and name.startswith("hashchat-read")
        assert not slow.done()
        SlowRead.finish.set()
        assert (await asyncio.wait_for(slow, 10))[0] == 200
    finally:
        SlowRead.finish.set()
        handler.read_pool.shutdown()
        handler.write_pool.shutdown()
