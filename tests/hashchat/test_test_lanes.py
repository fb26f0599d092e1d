"""`make test` names the lanes that did not run here (PostgreSQL, Redis) instead
of skipping them silently."""

import os
import subprocess
import sys
from types import SimpleNamespace

from tests.lanes import missing_lanes
from tests.server import ROOT


def skipped(nodeid: str, reason: str):
    return SimpleNamespace(nodeid=nodeid, longrepr=("file.py", 1, f"Skipped: {reason}"))


def test_each_missing_service_is_named_with_its_count_and_reason():
    lines = missing_lanes(
        [
            skipped("a", "Redis is not reachable at redis://127.0.0.1:1/0"),
            skipped("b", "Redis is not reachable at redis://127.0.0.1:1/0"),
            skipped("c", "runs on PostgreSQL"),
            skipped("d", "needs a GPU"),
        ],
        environ={},
    )
    assert lines[0].startswith("PostgreSQL lane: this run used SQLite")
    assert "PostgreSQL tests: 1 skipped (runs on PostgreSQL)" in lines
    assert "Redis tests: 2 skipped (Redis is not reachable at redis://127.0.0.1:1/0)" in lines
    assert lines[-1].startswith("to run them:")


def test_nothing_is_said_when_every_lane_ran():
    assert missing_lanes([], environ={"DATABASE_URL": "postgres://x/y"}) == []


def test_a_run_without_redis_prints_the_lanes_that_did_not_run():
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "DATABASE_URL", "REDIS_URL")}
    env["HASHCHAT_TEST_REDIS_URL"] = "redis://127.0.0.1:1/0"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/live/test_redis.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "lanes that did not run" in result.stdout
    assert "skipped (Redis is not reachable at redis://127.0.0.1:1/0)" in result.stdout
    assert "PostgreSQL lane: this run used SQLite" in result.stdout
