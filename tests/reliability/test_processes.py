"""`hashchat serve --processes N`: several web processes on one port, sharing the
live streams through Redis; refused, with the reason, when Redis is not set."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import redis

from tests.live.helpers import login, post_in_room, set_up_chat, sse_stream
from tests.server import ROOT, server_env, start_server

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/12"


def test_several_processes_need_redis(tmp_path):
    env = server_env(tmp_path)
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "hashchat.cli", "serve", "--processes", "2"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--processes above 1 needs REDIS_URL" in done.stderr
    assert not (tmp_path / "hashchat.sqlite3").exists(), "nothing was set up"


def web_processes(pid: int) -> list[int]:
    """The processes uvicorn started under `pid` to serve (not its resource tracker)."""
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        found = [int(p) for p in f.read().split()]
    serving = []
    for child in found:
        with open(f"/proc/{child}/cmdline", "rb") as f:
            if b"resource_tracker" not in f.read():
                serving.append(child)
    return serving


def test_two_processes_serve_one_port_and_share_the_streams():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip("Redis does not answer (CI runs this)")
    with tempfile.TemporaryDirectory(prefix="hashchat-processes-") as tmp:
        server = start_server(
            data_dir=Path(tmp),
            env={"REDIS_URL": REDIS_URL},
            args=("--no-worker", "--processes", "2"),
        )
        try:
            assert len(web_processes(server.process.pid)) == 2
            event_id = set_up_chat(server)
            url = f"{server.url}/api/v1/streaming/hashtag?tag=livetest"
            # Eight subscribers on separate connections: the two processes take turns
            # accepting them, and each must see a post made through either one.
            with contextlib.ExitStack() as stack:
                readers = [stack.enter_context(sse_stream(url)) for _ in range(8)]
                pat = login(server.url, "pat")
                made = post_in_room(pat, event_id, "A1 through some process #livetest")
                for reader in readers:
                    for _ in range(50):
                        (event,) = reader.events(1)
                        if event["event"] == "update":
                            break
                    assert json.loads(event["data"])["id"] == str(made["id"])
        finally:
            server.kill(signal.SIGTERM)
