"""Rate limits counted by several processes at once (core.ratelimit on the `limits`
library). With Redis (REDIS_URL) every process counts into the same counters, each
increment atomic, so N processes together allow the limit once. In memory (no Redis)
each process has its own counters: that is why several web processes need REDIS_URL
(`hashchat serve --processes N` refuses to start without it)."""

import os
import subprocess
import sys
import tempfile
import textwrap
import uuid

import pytest
import redis

REDIS_URL = os.environ.get("HASHCHAT_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
PROCESSES = 3
HITS = 40

CHILD = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime

    import django
    import time_machine

    django.setup()
    from core import ratelimit

    ratelimit.NAMESPACE = sys.argv[1]
    with time_machine.travel(datetime(2026, 3, 3, 11, 0, 30, tzinfo=UTC), tick=False):
        for _ in range(int(sys.argv[2])):
            ratelimit.hit("procs", "shared", limit=1000, window=60)
        print(ratelimit.peek("procs", "shared", limit=1000, window=60).remaining)
    """
)


def _run_together(env: dict, namespace: str, hits: int) -> list[int]:
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, namespace, str(hits)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    return [int(child.communicate(timeout=120)[0].strip().splitlines()[-1]) for child in children]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "hashchat.settings_test",
        "HASHCHAT_DATA_DIR": tempfile.mkdtemp(prefix="hashchat-limits-"),
        **extra,
    }


def test_processes_share_the_counters_in_redis():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}, and CI needs this test")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    namespace = f"procs-{uuid.uuid4().hex[:8]}"
    remaining = _run_together(_env(REDIS_URL=REDIS_URL), namespace, HITS)
    # The last to finish saw every process's requests: none was lost or counted twice.
    assert min(remaining) == 1000 - PROCESSES * HITS


def test_processes_without_redis_count_apart():
    remaining = _run_together(_env(), f"procs-{uuid.uuid4().hex[:8]}", HITS)
    assert remaining == [1000 - HITS] * PROCESSES
