"""A post acknowledged with 200 is never lost: the server is killed with SIGKILL in
the middle of a burst of posts, restarted, and every acknowledged post is there;
retrying every request with its Idempotency-Key makes no duplicate."""

import json
import os
import signal
import threading
from pathlib import Path

import httpx
import pytest

from tests.reliability import NO_RATE_LIMITS, create_login, mastodon_token
from tests.server import Server, start_server

WRITERS = 4
KILL_AFTER = 40  # acknowledged posts before the kill
PER_WRITER = 150  # an upper bound: writers stop at the first failed request


def post(client: httpx.Client, key: str) -> httpx.Response:
    return client.post(
        "/api/v1/statuses",
        data={"status": f"burst {key} #durability"},
        headers={"Idempotency-Key": key},
    )


def count_posts(server: Server) -> dict[str, int]:
    """Posts per Idempotency-Key, read straight from the database."""
    out = server.hashchat(
        "manage",
        "shell",
        "-c",
        "import json; from posts.models import Post; from django.db.models import Count; "
        "print(json.dumps({r['idempotency_key']: r['n'] for r in Post.objects"
        ".exclude(idempotency_key=None).values('idempotency_key').annotate(n=Count('id'))}))",
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs in the SQLite lane")
def test_acknowledged_posts_survive_a_sigkill(tmp_path: Path):
    env = {"HASHCHAT_RATE_LIMITS": NO_RATE_LIMITS, "DATABASE_URL": "", "REDIS_URL": ""}
    server = start_server(data_dir=tmp_path, env=env, args=("--no-worker",))
    try:
        create_login(server, "pat", "pat-secret-pw")
        token = mastodon_token(server.url, "pat", "pat-secret-pw")
        headers = {"Authorization": f"Bearer {token}"}

        acknowledged: dict[str, str] = {}  # Idempotency-Key -> post id
        attempted: list[str] = []
        lock = threading.Lock()
        enough = threading.Event()

        def writer(n: int) -> None:
            with httpx.Client(base_url=server.url, headers=headers, timeout=10) as client:
                for i in range(PER_WRITER):
                    key = f"w{n}-{i}"
                    with lock:
                        attempted.append(key)
                    try:
                        response = post(client, key)
                    except httpx.TransportError:
                        return
                    if response.status_code != 200:
                        return
                    with lock:
                        acknowledged[key] = response.json()["id"]
                        if len(acknowledged) >= KILL_AFTER:
                            enough.set()

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for t in threads:
            t.start()
        assert enough.wait(timeout=120), "the burst did not get going"
        server.kill(signal.SIGKILL)
        for t in threads:
            t.join(timeout=60)
    finally:
        server.kill(signal.SIGKILL)

    assert len(acknowledged) >= KILL_AFTER
    server = start_server(data_dir=tmp_path, env=env, args=("--no-worker",))
    try:
        # What makes an acknowledged commit survive: WAL, fsync'd at every commit.
        pragmas = server.hashchat(
            "manage",
            "shell",
            "-c",
            "from django.db import connection; c = connection.cursor(); "
            "print(c.execute('PRAGMA journal_mode').fetchone()[0], "
            "c.execute('PRAGMA synchronous').fetchone()[0])",
        )
        assert pragmas.stdout.split()[-2:] == ["wal", "2"]  # 2 is FULL
        stored = count_posts(server)
        lost = sorted(set(acknowledged) - set(stored))
        assert lost == [], f"acknowledged posts lost after SIGKILL: {lost}"
        with httpx.Client(base_url=server.url, headers=headers, timeout=10) as client:
            for key, post_id in acknowledged.items():
                response = client.get(f"/api/v1/statuses/{post_id}")
                assert response.status_code == 200
                assert f"burst {key}" in response.json()["content"]
            # Every request again with the same key: the acknowledged ones answer with
            # the post they made, the interrupted ones are made now, once.
            for key in attempted:
                response = post(client, key)
                assert response.status_code == 200, response.text
                if key in acknowledged:
                    assert response.json()["id"] == acknowledged[key]
        stored = count_posts(server)
        assert set(stored) == set(attempted)
        assert all(n == 1 for n in stored.values()), {k: n for k, n in stored.items() if n != 1}
    finally:
        server.kill(signal.SIGTERM)
