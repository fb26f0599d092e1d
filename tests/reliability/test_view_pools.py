"""Requests go to the read or the write pool by what their view does, not by their
method alone: a GET to a view marked @writes runs on a writer thread
(core/handler.py). (The pages that wrote on GET no longer do: see
tests/posts/test_notifications_page.py and tests/transcripts/test_feeds_write_nothing.py.)"""

import pytest

from core.handler import ThreadedASGIHandler, reads


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
