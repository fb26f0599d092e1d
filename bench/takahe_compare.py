"""hashchat against Takahē 0.11 on the same machine, same load, same run (not a test):
requests per second per endpoint and their ratio.

    .venv/bin/python bench/takahe_compare.py --seconds 5 --clients 8

Takahē comes from ../shared/peers/takahe (setup.sh installs it; an install the federation
lab already made in /var/tmp/hashchat-fedlab-takahe is reused), on a fresh PostgreSQL
database `hc_bench_takahe`, run as its setup.sh runs it (gunicorn with 2 workers and
its background worker). hashchat runs as `hashchat serve` runs by default, on SQLite
(bench/endpoints_bench.py seeds it; `--hashchat-dir` reuses a seeded data dir).

Both get the same data through their own Mastodon APIs: a viewer who posts, a second
account that follows, likes, mentions and replies (notifications and a thread of 100
replies), and `--posts` posts with #benchchat. Then, endpoint by endpoint and
alternating servers, `--clients` keep-alive clients each: POST /api/v1/statuses,
GET /api/v1/statuses/:id, /api/v1/timelines/home, /api/v1/notifications,
/api/v1/statuses/:id/context (the thread), /api/v1/timelines/tag/benchchat (limit=40).
Every answer is checked for status 200 and a non-empty JSON body.
"""

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.endpoints_bench import timed  # noqa: E402
from bench.loadclient import Connection  # noqa: E402
from bench.machine import describe  # noqa: E402
from bench.mastodon_api_bench import LIMITS, _tokens  # noqa: E402

PEER = ROOT.parent / "shared" / "peers" / "takahe"
LAB_INSTALL = Path("/var/tmp/hashchat-fedlab-takahe")
TAKAHE_DIR = Path("/var/tmp/hashchat-bench-takahe")
TAKAHE_DB = "postgres://postgres@127.0.0.1:5432/hc_bench_takahe"
DOMAIN = "takahe.bench"
TAG = "benchchat"
ENDPOINTS = ["post", "status", "home", "notifications", "context", "tag"]


def _psql(statement: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(statement)  # type: ignore[arg-type]


def start_takahe(port: int) -> dict:
    """Takahē with a fresh database; its URL, pids file and tokens for two identities."""
    TAKAHE_DIR.mkdir(parents=True, exist_ok=True)
    for part in ("venv", "src"):
        # The federation lab's install (minutes to build) is shared, read-only.
        if not (TAKAHE_DIR / part).exists() and (LAB_INSTALL / part).exists():
            (TAKAHE_DIR / part).symlink_to(LAB_INSTALL / part)
    _psql("DROP DATABASE IF EXISTS hc_bench_takahe WITH (FORCE)")
    env = {
        **os.environ,
        "TAKAHE_DIR": str(TAKAHE_DIR),
        "TAKAHE_DOMAIN": DOMAIN,
        "TAKAHE_PORT": str(port),
        "TAKAHE_DB": TAKAHE_DB,
    }
    tokens = {}
    for user in ("alice", "bob"):
        out = subprocess.run(
            ["bash", str(PEER / "setup.sh")],
            env={**env, "TAKAHE_USER": user},
            capture_output=True,
            text=True,
        )
        if out.returncode:
            raise SystemExit("Takahē did not start:\n" + out.stdout[-2000:] + out.stderr[-2000:])
        values = dict(
            line.split("=", 1) for line in out.stdout.splitlines() if line.startswith("TAKAHE_")
        )
        tokens[user] = values["TAKAHE_TOKEN"]
    return {"url": values["TAKAHE_URL"], "tokens": tokens}


def stop_takahe() -> None:
    subprocess.run(
        ["bash", str(PEER / "stop.sh")], env={**os.environ, "TAKAHE_DIR": str(TAKAHE_DIR)}
    )


def takahe_pids() -> list[int]:
    path = TAKAHE_DIR / "run" / "pids"
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def seed_mastodon(url: str, viewer: str, other: str, posts: int, headers: dict) -> dict:
    """The same data through any Mastodon API: ids to read back."""
    with httpx.Client(base_url=url, timeout=60, headers=headers) as client:

        def post(token: str, text: str, reply_to: str | None = None) -> str:
            body = {"status": text}
            if reply_to:
                body["in_reply_to_id"] = reply_to
            r = client.post(
                "/api/v1/statuses", json=body, headers={"Authorization": f"Bearer {token}"}
            )
            r.raise_for_status()
            return r.json()["id"]

        me = client.get(
            "/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {viewer}"}
        ).json()
        client.post(
            f"/api/v1/accounts/{me['id']}/follow", headers={"Authorization": f"Bearer {other}"}
        )
        root = post(viewer, f"Q1 What makes a library welcoming? #{TAG}")
        answers = [post(other, f"A1 answer {n} @{me['acct']} #{TAG}", root) for n in range(100)]
        for n in range(posts):
            post(viewer if n % 2 else other, f"Post {n} about #{TAG}")
        for status_id in answers[:40]:
            client.post(
                f"/api/v1/statuses/{status_id}/favourite",
                headers={"Authorization": f"Bearer {viewer}"},
            )
    return {"root": root, "answers": answers}


async def _one(conn: Connection, name: str, ids: dict, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    if name == "post":
        body = {"status": f"A{random.randint(1, 5)} load #{TAG}"}
        status, _, data = await conn.request(
            "POST", "/api/v1/statuses", json_body=body, headers=headers
        )
    else:
        path = {
            "status": f"/api/v1/statuses/{random.choice(ids['answers'])}",
            "home": "/api/v1/timelines/home?limit=40",
            "notifications": "/api/v1/notifications?limit=40",
            "context": f"/api/v1/statuses/{ids['root']}/context",
            "tag": f"/api/v1/timelines/tag/{TAG}?limit=40",
        }[name]
        status, _, data = await conn.request("GET", path, headers=headers)
    if status == 200 and not json.loads(data):
        return 0  # an empty answer is not a page served
    return status


def measure(
    url: str, pids: list[int], name: str, ids: dict, token: str, clients: int, seconds: float
):
    async def one(conn: Connection, n: int) -> int:
        return await _one(conn, name, ids, token)

    return timed(pids, url, clients, seconds, one)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--posts", type=int, default=300, help="#benchchat posts besides the thread"
    )
    parser.add_argument("--rounds", type=int, default=2, help="alternated rounds per endpoint")
    args = parser.parse_args()
    if not (PEER / "setup.sh").exists():
        raise SystemExit(f"Takahē's scripts are not at {PEER}")
    from tests.server import free_port, start_server

    print(
        f"# {describe()}, {args.clients} clients, {args.seconds:g} s per measurement, "
        f"{args.rounds} rounds alternated"
    )
    takahe = start_takahe(free_port())
    data_dir = Path(tempfile_dir())
    hashchat = start_server(
        data_dir=data_dir,
        env={"HASHCHAT_RATE_LIMITS": LIMITS, "HASHCHAT_LOG_LEVEL": "WARNING"},
        args=(),
    )
    try:
        hashchat.hashchat(
            "manage", "shell", "-c",
            "from accounts.actions import sign_up\n"
            "for name in ('alice', 'bob'):\n"
            "    sign_up(username=name, email=f'{name}@example.org',\n"
            "            password='Bench-Password-42')\n",
        )  # fmt: skip
        hc_tokens = dict(
            zip(("alice", "bob"), _tokens(hashchat.url, 2, ["alice", "bob"]), strict=True)
        )
        servers = {
            "hashchat": (hashchat.url, [hashchat.process.pid], hc_tokens, {}),
            "Takahē": (
                takahe["url"],
                takahe_pids(),
                takahe["tokens"],
                {"X-Forwarded-Proto": "https"},
            ),
        }
        ids = {}
        for name, (url, _pids, tokens, headers) in servers.items():
            started = time.monotonic()
            ids[name] = seed_mastodon(url, tokens["alice"], tokens["bob"], args.posts, headers)
            print(f"seeded {name} in {time.monotonic() - started:.0f} s", flush=True)
        time.sleep(10)  # Takahē fans posts out to timelines in its background worker
        print(
            "| endpoint | server | requests/s | p50 ms | p99 ms | server CPU ms/request | errors |"
        )
        print("|---|---|---|---|---|---|---|")
        ratios = {}
        for endpoint in ENDPOINTS:
            rates: dict[str, list[float]] = {"hashchat": [], "Takahē": []}
            for _ in range(args.rounds):
                for name, (url, pids, tokens, _headers) in servers.items():
                    m = measure(
                        url, pids, endpoint, ids[name], tokens["alice"], args.clients, args.seconds
                    )
                    rates[name].append(m["rate"])
                    print(
                        f"| {endpoint} | {name} | {m['rate']:.0f} | {m['p50']:.1f} "
                        f"| {m['p99']:.1f} | {m['cpu_ms']:.2f} | {m['errors']} |",
                        flush=True,
                    )
            ratios[endpoint] = sum(rates["hashchat"]) / max(1e-9, sum(rates["Takahē"]))
        print()
        print("| endpoint | hashchat / Takahē (requests per second) |")
        print("|---|---|")
        for endpoint, ratio in ratios.items():
            print(f"| {endpoint} | {ratio:.1f}x |")
    finally:
        hashchat.kill(signal.SIGTERM)
        stop_takahe()
        shutil.rmtree(data_dir, ignore_errors=True)


def tempfile_dir() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="hashchat-vs-takahe-")


if __name__ == "__main__":
    main()
