"""The parts of bench/endpoints_bench.py that run inside Django, in a child process
with the server's environment (`--child-seed`, `--child-queries`, `--child-explain`):
seeding, the SQL queries and CPU of one request through the test client, the query
plans; and the paths each endpoint requests, which the load uses too."""

import json
import os
import random
import time
from pathlib import Path
from typing import Any

from bench.endpoint_data import TAG


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashchat.settings")
    from hashchat.cli import migrate, setup_django

    setup_django()
    migrate()


def child_seed(posts: int) -> None:
    _setup_django()
    from bench.endpoint_data import seed

    print(json.dumps(seed(posts)))


def _paths(info: dict) -> dict:
    return {
        "status": lambda: f"/api/v1/statuses/{random.choice(info['answers'])}",
        "home": lambda: "/api/v1/timelines/home?limit=40",
        "notifications": lambda: "/api/v1/notifications?limit=40",
        "context": lambda: f"/api/v1/statuses/{info['q1']}/context",
        "tag": lambda: f"/api/v1/timelines/tag/{TAG}?limit=40",
        "room": lambda: f"/chats/{info['hashtag']}/events/{info['event']}/room/",
    }


def child_queries(info_path: str, only: str = "") -> None:
    """SQL queries of one request of each kind, counted inside Django, and the CPU one
    request takes there (through the middleware and view, without the server around
    them): time.process_time over requests made one after another, the least of
    eight batches of 0.15 s (the machine's speed drifts from one second to the next)."""
    _setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    info = json.loads(Path(info_path).read_text())
    client = Client(headers={"Authorization": f"Bearer {_token_for('bench0')}"})
    calls: dict[str, Any] = {
        name: (lambda path=path: client.get(path())) for name, path in _paths(info).items()
    }
    calls["post"] = lambda: client.post("/api/v1/statuses", {"status": f"A2 counting #{TAG}"})
    result = {}
    for name, call in calls.items():
        if only and name not in only.split(","):
            continue
        call()  # warm caches (content types, connection set-up)
        with CaptureQueriesContext(connection) as ctx:
            response = call()
        assert response.status_code == 200, (name, response.content[:300])
        queries = len(ctx.captured_queries)
        batches = []
        for _ in range(8):
            started, count = time.process_time(), 0
            while time.process_time() - started < 0.15:
                call()
                count += 1
            batches.append((time.process_time() - started) / count * 1000)
        result[name] = [queries, min(batches)]
    print(json.dumps(result))


def child_explain(info_path: str, only: str = "") -> None:
    """The plan of every query of one request of each reading endpoint, as the
    database runs it: EXPLAIN ANALYZE on PostgreSQL (with the time it took),
    EXPLAIN QUERY PLAN on SQLite."""
    _setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    info = json.loads(Path(info_path).read_text())
    client = Client(headers={"Authorization": f"Bearer {_token_for('bench0')}"})
    postgres = connection.vendor == "postgresql"
    for name, path in _paths(info).items():
        if only and name not in only.split(","):
            continue
        client.get(path())
        with CaptureQueriesContext(connection) as ctx:
            client.get(path())
        print(f"## {name}: {len(ctx.captured_queries)} queries")
        for n, query in enumerate(ctx.captured_queries, 1):
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            print(f"### {name} query {n}: {' '.join(sql.split())[:160]}")
            with connection.cursor() as cursor:
                cursor.execute(
                    ("EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN ") + sql
                )
                for row in cursor.fetchall():
                    print("    " + (row[0] if postgres else f"{row[1]:>3} {row[3]}"))
    print("{}")


def _token_for(username: str) -> str:
    from accounts.models import User
    from mastodon_api import actions
    from mastodon_api.models import Application

    user = User.objects.get(username=username)
    issued = actions.issue_token(
        app=Application.objects.first(),
        user=user,
        profile=user.personal_profile,
        scopes=frozenset({"read", "write"}),
    )
    return issued.access_token
