"""Several web processes share every stream through Redis."""

import contextlib
import json
import os
import signal
import tempfile
from pathlib import Path

import httpx
import pytest
import redis

from tests.live.helpers import SSEReader, login, post_in_room, set_up_chat
from tests.server import start_server

REDIS_URL = os.environ.get("HASHCHAT_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="module")
def two_servers():
    if not redis_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}, and CI needs this test")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    with contextlib.ExitStack() as stack:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hashchat-redis-")))
        env = {"REDIS_URL": REDIS_URL}
        first = start_server(data_dir=data_dir, env=env)
        stack.callback(first.kill, signal.SIGTERM)
        second = start_server(data_dir=data_dir, env=env, args=("--no-worker",))
        stack.callback(second.kill, signal.SIGTERM)
        event_id = set_up_chat(first)
        yield first, second, event_id


def test_a_post_reaches_a_subscriber_of_another_process(two_servers):
    first, second, event_id = two_servers
    pat = login(first.url, "pat")
    path = "/api/v1/streaming/hashtag?tag=livetest"
    with httpx.stream("GET", second.url + path, timeout=10) as response:
        reader = SSEReader(response)
        item = post_in_room(pat, event_id, "Across processes")
        (event,) = reader.events(1)
    assert event["event"] == "update"
    assert json.loads(event["data"])["id"] == item["id"]

    # Missed while away, posted through the first process: the second replays it.
    missed = post_in_room(pat, event_id, "While you were away")
    headers = {"Last-Event-ID": event["id"]}
    with httpx.stream("GET", second.url + path, headers=headers, timeout=10) as response:
        (replayed,) = SSEReader(response).events(1)
    assert replayed["event"] == "update", (replayed, event)
    assert json.loads(replayed["data"])["id"] == missed["id"]
    assert int(replayed["id"]) > int(event["id"])
