"""`hashchat check` on installations that are not ready: every problem is named,
with what to do, and the exit status says so."""

import subprocess
import sys

from tests.server import ROOT, server_env


def check(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hashchat.cli", "check", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def hashchat(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "hashchat.cli", *args], env=env, cwd=ROOT, check=True, timeout=120
    )


def test_a_new_data_dir_is_not_ready_and_says_why(tmp_path):
    env = server_env(tmp_path, {"REDIS_URL": "redis://127.0.0.1:9/0"})
    env.pop("HASHCHAT_BASE_URL", None)
    done = check(env)
    assert done.returncode == 1
    out = done.stdout
    assert "PROBLEM  database:" in out and "migrations not applied" in out
    assert "what to do: Run `hashchat manage migrate`" in out
    assert "PROBLEM  redis: no answer" in out
    assert "PROBLEM  public address: HASHCHAT_BASE_URL is http://127.0.0.1:8000, not https" in out
    assert "PROBLEM  settings: " in out and "security.W012" in out, "Django's deployment checks"
    assert "ok       disk:" in out
    assert "not ready for a chat" in out
    quiet = check(env, "--quiet")
    assert quiet.returncode == 1
    assert "ok " not in quiet.stdout and "PROBLEM  database:" in quiet.stdout


def test_a_migrated_instance_without_a_worker_is_not_ready(tmp_path):
    env = server_env(tmp_path, {"REDIS_URL": "", "HASHCHAT_DEBUG": "1"})
    hashchat(env, "manage", "migrate", "--verbosity", "0")
    hashchat(env, "manage", "createcachetable")
    done = check(env)
    assert done.returncode == 1
    assert "ok       database: " in done.stdout
    assert "PROBLEM  worker: no worker has run" in done.stdout
    assert "what to do: Run `hashchat worker`" in done.stdout
    assert "security.W018" in done.stdout and "Unset HASHCHAT_DEBUG" in done.stdout
    # A worker that ran once is seen (its heartbeat is in the shared cache).
    hashchat(env, "worker", "--once")
    again = check(env)
    assert "ok       worker: alive" in again.stdout
