"""Process tags inside ids are handed out, not drawn at random: processes running
at the same time never share one, so they can never make the same id."""

import fcntl
import os
import resource
import subprocess
import sys
from contextlib import ExitStack

import pytest
from django.db import connection

from core import id_tags
from tests.server import ROOT

CHILD = """
import os, sys
import django
django.setup()
from core.ids import next_id
print((next_id() >> 12) & 1023, flush=True)
sys.stdin.read()
"""


def start(env):
    return subprocess.Popen(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def tags_of(processes):
    found = []
    for process in processes:
        line = process.stdout.readline()
        assert line.strip().isdigit(), process.stderr.read()
        found.append(int(line))
    return found


def child_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "hashchat.settings"
    env.update(extra)
    return env


@pytest.fixture
def many_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4096 and (hard == resource.RLIM_INFINITY or hard >= 4096):
        resource.setrlimit(resource.RLIMIT_NOFILE, (4096, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_processes_on_sqlite_take_the_tags_nobody_holds(tmp_path, many_files):
    folder = tmp_path / "id-tags"
    folder.mkdir()
    free = {3, 500, 777, 1023}
    env = child_env(HASHCHAT_DATA_DIR=str(tmp_path))
    with ExitStack() as stack:
        # This process holds every other tag, as 1020 running hashchat processes would.
        for tag in set(range(id_tags.TAGS)) - free:
            handle = stack.enter_context(open(folder / f"{tag}.lock", "a+"))
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        children = [start(env) for _ in range(4)]
        for child in children:
            stack.callback(child.wait, 30)
            stack.callback(child.stdin.close)
        taken = tags_of(children)
        assert sorted(taken) == sorted(free)
        # A fifth process finds no free tag and says so rather than share one.
        fifth = start(env)
        fifth.stdin.close()
        assert fifth.wait(60) != 0
        assert "all 1024 id tags" in fifth.stderr.read()
        # A tag comes free when its process ends.
        children[0].stdin.close()
        children[0].wait(30)
        replacement = start(env)
        stack.callback(replacement.wait, 30)
        stack.callback(replacement.stdin.close)
        assert tags_of([replacement]) == [taken[0]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_processes_on_postgresql_take_successive_tags_from_the_sequence():
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = child_env(DATABASE_URL=url, HASHCHAT_DATA_DIR=os.environ["HASHCHAT_DATA_DIR"])
    with ExitStack() as stack:
        children = [start(env) for _ in range(4)]
        for child in children:
            stack.callback(child.wait, 30)
            stack.callback(child.stdin.close)
        tags = tags_of(children)
    assert len(set(tags)) == 4
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM hashchat_id_tag")
        last = cursor.fetchone()[0]
    assert set(tags) <= {(last - i) % 1024 for i in range(8)}
