"""Reads are served while writes wait for SQLite's writer lock: requests that only
read run on worker threads of their own (core/handler.py), so posts queued
behind a long write transaction never hold up the timelines, and every queued
post goes through once the lock is free."""

import os
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from core.handler import write_threads
from tests.reliability import NO_RATE_LIMITS, create_login
from tests.server import start_server

# Many more than the write threads: most wait in the queue, and reads must not.
WRITE_THREADS = write_threads("sqlite")
WRITES = 3 * WRITE_THREADS
ISSUE_TOKEN = """
from accounts.models import User
from mastodon_api import actions
app = actions.register_app(
    name="pools", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read write"
)
user = User.objects.get(username="pat")
issued = actions.issue_token(app=app, user=user, profile=user.personal_profile, scopes={"read", "write"})
print(issued.access_token)
"""


def _threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    raise AssertionError("no thread count")


def _wait_for(condition, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs in the SQLite lane")
def test_reads_are_served_while_writes_wait_for_the_writer_lock(tmp_path: Path):
    env = {"HASHCHAT_RATE_LIMITS": NO_RATE_LIMITS, "DATABASE_URL": "", "REDIS_URL": ""}
    server = start_server(data_dir=tmp_path, env=env, args=("--no-worker",))
    try:
        create_login(server, "pat", "pat-secret-pw")
        # The token is issued beside the server, so that no request has started a
        # write thread yet and each one the posts start can be counted.
        token = server.hashchat("manage", "shell", "-c", ISSUE_TOKEN).stdout.split()[-1]
        headers = {"Authorization": f"Bearer {token}"}
        reader = httpx.Client(base_url=server.url, headers=headers, timeout=10)
        assert reader.get("/api/v1/timelines/tag/pools").json() == []
        before = _threads(server.process.pid)

        def post(n: int) -> httpx.Response:
            with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
                return client.post("/api/v1/statuses", data={"status": f"queued {n} #pools"})

        # Another process holds SQLite's writer lock, as a long transaction would.
        holder = sqlite3.connect(tmp_path / "hashchat.sqlite3", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with ThreadPoolExecutor(WRITES) as clients:
                posts = [clients.submit(post, n) for n in range(WRITES)]
                # Every write thread of the server has taken a post and waits for the lock
                # (counted from outside: one thread of the server's start-up work may end
                # meanwhile, so one fewer new thread than the pool's size is enough).
                _wait_for(
                    lambda: _threads(server.process.pid) >= before + WRITE_THREADS - 1,
                    "the server's write threads",
                )
                for _ in range(5):
                    page = reader.get("/api/v1/timelines/tag/pools")
                    assert page.status_code == 200
                    assert page.json() == []
                assert reader.get("/api/v1/instance").status_code == 200
                assert not any(p.done() for p in posts)
                holder.execute("ROLLBACK")
                answers = [p.result() for p in posts]
        finally:
            holder.close()
        assert [r.status_code for r in answers] == [200] * WRITES
        texts = {s["content"] for s in reader.get("/api/v1/timelines/tag/pools?limit=40").json()}
        assert len(texts) == WRITES
        reader.close()
    finally:
        server.kill()
