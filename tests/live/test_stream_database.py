"""Database work on the streaming path gets the connection care of a request
(issue 15.17): it runs on live's own database threads, and the connection it used
is checked and, past CONN_MAX_AGE (0 in the tests) or after an error, closed,
rather than kept open by a thread of asyncio's default executor."""

import threading

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from live import streaming, streams
from live.streams import Resolved


@pytest.fixture
def probe_stream():
    """A stream name whose resolver queries and notes the thread and connection."""
    seen: dict = {}

    def resolve(name, tag, viewer):
        wrapper = connections[DEFAULT_DB_ALIAS]  # this thread's own connection
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
        # As if a query had failed (e.g. PostgreSQL restarted under the connection).
        wrapper.errors_occurred = True
        seen["thread"] = threading.current_thread().name
        seen["connection"] = wrapper
        return Resolved((name,), frozenset({"public"}), lambda envelope: True)

    streams.on_stream(("probe",), resolve)
    yield seen
    streams.remove_stream("probe")


async def test_resolving_a_stream_runs_on_live_database_threads_and_closes_after(
    transactional_db, probe_stream
):
    wanted, viewer = await streaming.resolve_async("probe", None, None)

    assert wanted.streams == {"public"} and viewer is None
    assert probe_stream["thread"].startswith("live-db")
    # Checked after the work, as request_finished checks a request's connection:
    # closed (past CONN_MAX_AGE, 0 here) or, where it cannot be (the tests' in-memory
    # SQLite database is never closed), found usable by its health check.
    used = probe_stream["connection"]
    assert used.connection is None or not used.errors_occurred
