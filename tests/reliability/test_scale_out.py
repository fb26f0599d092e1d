"""Several processes on PostgreSQL and Redis, as a scaled deployment runs: two
`hashchat serve --no-worker` web processes and two `hashchat worker` processes.

A post made through process A reaches a stream on process B; each timed post is
posted exactly once although two workers race for it; Redis restarted during the
chat: open streams are told to refetch and the post made meanwhile is there.

These run in the scale-out lane of .ci/run (DATABASE_URL on PostgreSQL, REDIS_URL).
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx
import pytest
import redis

from tests.live.helpers import SSEReader, login, post_in_room, sse_stream
from tests.server import ROOT, Server, server_env, start_server

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = pytest.mark.skipif(
    not (DATABASE_URL.startswith(("postgres://", "postgresql://")) and REDIS_URL),
    reason="runs in the scale-out lane (DATABASE_URL on PostgreSQL and REDIS_URL)",
)

SETUP = textwrap.dedent(
    """
    from datetime import time, timedelta
    from django.utils import timezone
    from accounts import actions as accounts
    from chats import actions as chats
    hana = accounts.sign_up(username="hana", email="hana@example.org",
                            password="hana-secret-pw", timezone="UTC")
    accounts.sign_up(username="pat", email="pat@example.org",
                     password="pat-secret-pw", timezone="UTC")
    start = timezone.now() - timedelta(minutes=3)
    series = chats.create_series(user=hana, organiser=hana.personal_profile, hashtag="livetest",
        title="Scale-out test", timezone="UTC", rrule="FREQ=DAILY", start_time=time(0, 0))
    event = chats.create_event(user=hana, series=series, topic="Processes", starts_at=start,
        questions=[
            {"kind": "welcome", "text": "Welcome to #livetest", "offset": 0},
            {"kind": "question", "text": "Which process are you on?", "offset": 1},
            {"kind": "question", "text": "Did it arrive once?", "offset": 2},
        ])
    print(event.id)
    """
)

COUNT_TIMED = (
    "import json; from chats.models import Question; from posts.models import Post; "
    "q = Question.objects.all(); print(json.dumps({'questions': q.count(), "
    "'posted': q.filter(post__isnull=False).count(), "
    "'host_posts': Post.objects.filter(author__handle='hana').count()}))"
)


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "hashchat.cli", "worker"],
        env=env,
        cwd=ROOT,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


@pytest.fixture(scope="module")
def deployment():
    with contextlib.ExitStack() as stack:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hashchat-scale-")))
        env = {"DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL}
        a = start_server(data_dir=data_dir, env=env, args=("--no-worker",))
        stack.callback(a.kill, signal.SIGTERM)
        b = start_server(data_dir=data_dir, env=env, args=("--no-worker",))
        stack.callback(b.kill, signal.SIGTERM)
        event_id = a.hashchat("manage", "shell", "-c", SETUP).stdout.strip().splitlines()[-1]
        yield a, b, event_id, server_env(data_dir, env)


def updates(reader: SSEReader, count: int) -> list[dict]:
    """The next `count` new posts on a stream (other events skipped)."""
    found: list[dict] = []
    while len(found) < count:
        (event,) = reader.events(1)
        if event["event"] == "update":
            found.append(json.loads(event["data"]))
    return found


# Words of the timed posts' text (the hashtag becomes a link in the HTML content).
TIMED = ("Welcome to", "Which process are you on?", "Did it arrive once?")
ENOUGH = 200  # posts to look through before giving up


def timed_posts(reader: SSEReader) -> list[dict]:
    """The event's three timed posts as they arrive (any other post is skipped)."""
    found: list[dict] = []
    for _ in range(ENOUGH):
        if {t for t in TIMED if any(t in p["content"] for p in found)} == set(TIMED):
            return found
        post = updates(reader, 1)[0]
        if any(t in post["content"] for t in TIMED):
            found.append(post)
    raise AssertionError(f"the timed posts did not all arrive: {found}")


def wait_for_post(reader: SSEReader, post_id: str) -> None:
    for _ in range(ENOUGH):
        if updates(reader, 1)[0]["id"] == post_id:
            return
    raise AssertionError(f"post {post_id} did not arrive")


def counts(server: Server) -> dict:
    return json.loads(server.hashchat("manage", "shell", "-c", COUNT_TIMED).stdout.splitlines()[-1])


def test_two_web_processes_and_two_workers_share_one_chat(deployment, tmp_path):
    a, b, event_id, env = deployment
    path = "/api/v1/streaming/hashtag?tag=livetest"
    with sse_stream(b.url + path) as reader:
        # The timed posts are only posted now, by whichever worker claims each first.
        workers = [start_worker(env, tmp_path / f"worker-{n}.log") for n in range(2)]
        try:
            timed = timed_posts(reader)
            pat = login(a.url, "pat")
            item = post_in_room(pat, event_id, "A1 through process A")
            wait_for_post(reader, item["id"])
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                worker.wait(timeout=20)
    assert len(timed) == 3
    assert len({t["id"] for t in timed}) == 3
    assert counts(a) == {"questions": 3, "posted": 3, "host_posts": 3}


def redis_down() -> None:
    client = redis.Redis.from_url(REDIS_URL)
    with contextlib.suppress(redis.ConnectionError):
        client.shutdown(nosave=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            client.ping()
        except redis.ConnectionError:
            return
        time.sleep(0.05)
    raise RuntimeError("Redis did not stop")


def redis_up() -> None:
    """Start Redis again with the command this kind of machine starts it with."""
    for folder in ("/var/lib/redis", "/var/log/redis"):
        Path(folder).mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "-::1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            "/var/lib/redis",
            "--logfile",
            "/var/log/redis/ci.log",
        ],
        check=True,
    )
    client = redis.Redis.from_url(REDIS_URL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError("Redis did not come back")


@pytest.mark.skipif(
    not (shutil.which("redis-server") and REDIS_URL.startswith("redis://127.0.0.1:6379")),
    reason="restarts the machine's own Redis on 127.0.0.1:6379",
)
def test_streams_recover_after_redis_restarts(deployment):
    a, b, event_id, _ = deployment
    pat = login(a.url, "pat")
    path = "/api/v1/streaming/hashtag?tag=livetest"
    with sse_stream(b.url + path) as reader:
        before = post_in_room(pat, event_id, "A2 before the restart")
        wait_for_post(reader, before["id"])
        redis_down()
        try:
            during = post_in_room(pat, event_id, "A2 while Redis is away")
        finally:
            redis_up()
        # Process B reconnects to Redis and tells its open streams to refetch.
        while True:
            (event,) = reader.events(1)
            if event["event"] == "refetch":
                break
    timeline = httpx.get(f"{b.url}/api/v1/timelines/tag/livetest", timeout=10).json()
    assert during["id"] in [s["id"] for s in timeline]
    # And live delivery goes on across processes.
    with sse_stream(b.url + path) as reader:
        after = post_in_room(pat, event_id, "A2 after the restart")
        wait_for_post(reader, after["id"])
