"""`hashchat serve --processes N`: several web processes on one port, sharing the
live streams through Redis; refused, with the reason, when Redis is not set."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import redis

from tests.live.helpers import login, post_in_room, set_up_chat, sse_stream
from tests.server import ROOT, Server, free_port, server_env, start_server, wait_until_up

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


def _established(pid: int, port: int) -> int:
    """Connections to `port` that process `pid` holds open (from /proc)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        if local_port == port and fields[3] == "01":  # ESTABLISHED
            inodes.add(fields[9])
    held = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:[") and target[8:-1] in inodes:
                held += 1
    return held


def test_with_redis_serve_starts_one_process_per_core_and_spreads_connections():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip("Redis does not answer (CI runs this)")
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="hashchat-processes-") as tmp:
        # `serve` as an operator runs it, without --processes.
        port = free_port()
        env = server_env(Path(tmp), {"REDIS_URL": REDIS_URL})
        process = subprocess.Popen(
            [sys.executable, "-m", "hashchat.cli", "serve", "--port", str(port), "--no-worker"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = Server(f"http://127.0.0.1:{port}", port, Path(tmp), process, env)
        wait_until_up(server.url, process, timeout=120)
        try:
            children = web_processes(server.process.pid)
            assert len(children) == cores
            connections = 64
            with contextlib.ExitStack() as stack:
                for _ in range(connections):
                    stack.enter_context(socket.create_connection(("127.0.0.1", server.port)))
                # Each process accepts its own in its own time: look until all are held.
                for _ in range(600):
                    held = {pid: _established(pid, server.port) for pid in children}
                    if sum(held.values()) >= connections:
                        break
                    time.sleep(0.05)
            assert sum(held.values()) == connections, held
            # The kernel hashes each connection to one process's socket (SO_REUSEPORT):
            # every process holds a fair share (each at least half of an even share).
            assert min(held.values()) >= connections // cores // 2, held
        finally:
            server.kill(signal.SIGTERM)
        assert server.process.returncode == 0
        for pid in children:
            assert not Path(f"/proc/{pid}").exists(), "the web processes stopped with it"


def test_the_default_is_one_process_per_core_with_redis_and_one_without():
    from hashchat.processes import default_processes

    assert default_processes("") == 1
    assert default_processes("redis://127.0.0.1:6379/0") == len(os.sched_getaffinity(0))
