"""Benchmark of the Mastodon client API (not a test): statuses posted per second and
tag-timeline pages (limit=40) served per second with concurrent clients, on SQLite
and on PostgreSQL, plus the SQL queries each request costs.

    .venv/bin/python bench/mastodon_api_bench.py                 # both databases
    .venv/bin/python bench/mastodon_api_bench.py --db sqlite --clients 16 --seconds 10

Each run starts its own `hashchat serve` on loopback (a fresh SQLite data dir, or
a fresh PostgreSQL database `hashchat_bench_mastodon` on 127.0.0.1:5432), seeds
users and posts, and prints a Markdown table row per measurement. Rate limits are
raised for the run so that they do not cap the numbers.
"""

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadclient import Connection  # noqa: E402
from bench.machine import describe  # noqa: E402
from tests.server import start_server  # noqa: E402


def _run(coro):
    """Run the load on uvloop (as the server does) when it is installed."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


PASSWORD = "Bench-Password-42"
TAG = "benchchat"
PG_URL = "postgres://postgres@127.0.0.1:5432/hashchat_bench_mastodon"
REDIS_URL = "redis://127.0.0.1:6379/13"
VACUUM = "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"
LIMITS = ",".join(
    f"{name}=100000000/60"
    for name in (
        "post:profile",
        "post:ip",
        "api",
        "login:ip",
        "login:username_ip",
        "login:username",
    )
)


def _setup_code(users: int) -> str:
    return (
        "from accounts.actions import sign_up\n"
        f"for i in range({users}):\n"
        f"    sign_up(username=f'bench{{i}}', email=f'bench{{i}}@example.org',\n"
        f"            password='{PASSWORD}')\n"
    )


def _reset_postgres(name: str = "hashchat_bench_mastodon") -> None:
    """An empty PostgreSQL database `name` on 127.0.0.1:5432."""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {name}")


def _tokens(url: str, users: int, names: list[str] | None = None) -> list[str]:
    """A token (password grant) for each of `names`, or for bench0 .. bench<users-1>."""
    with httpx.Client(base_url=url, timeout=30) as client:
        app = client.post(
            "/api/v1/apps",
            json={
                "client_name": "bench",
                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                "scopes": "read write follow",
            },
        ).json()
        tokens = []
        for name in names or [f"bench{i}" for i in range(users)]:
            r = client.post(
                "/oauth/token",
                data={
                    "grant_type": "password",
                    "client_id": app["client_id"],
                    "client_secret": app["client_secret"],
                    "username": name,
                    "password": PASSWORD,
                    "scope": "read write follow",
                },
            )
            r.raise_for_status()
            tokens.append(r.json()["access_token"])
    return tokens


async def _run_clients(
    url: str, clients: int, seconds: float, one_request
) -> tuple[int, int, list[float]]:
    """Run `clients` loops, each on its own keep-alive connection, calling
    one_request(conn, n) -> HTTP status for `seconds`; (ok, errors, latencies)."""
    stop = time.monotonic() + seconds
    ok = errors = 0
    latencies: list[float] = []

    async def loop(n: int) -> None:
        nonlocal ok, errors
        async with Connection.for_url(url) as conn:
            while time.monotonic() < stop:
                started = time.monotonic()
                try:
                    status = await one_request(conn, n)
                except (ConnectionError, asyncio.IncompleteReadError):
                    status = 0
                    await conn.close()
                    await conn.open()
                latencies.append(time.monotonic() - started)
                if status == 200:
                    ok += 1
                else:
                    errors += 1

    await asyncio.gather(*(loop(n) for n in range(clients)))
    return ok, errors, latencies


async def _seed(url: str, tokens: list[str], count: int) -> int:
    async with httpx.AsyncClient(timeout=120) as client:

        async def one(i: int) -> int:
            r = await client.post(
                url + "/api/v1/statuses",
                json={"status": f"seed {i} #{TAG}"},
                headers={"Authorization": f"Bearer {tokens[i % len(tokens)]}"},
            )
            return int(r.status_code == 200)

        done = 0
        for start in range(0, count, 8):
            done += sum(
                await asyncio.gather(*(one(i) for i in range(start, min(count, start + 8))))
            )
        return done


def _p(latencies: list[float], q: float) -> float:
    if not latencies:
        return 0.0
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _queries(env: dict) -> dict:
    """SQL queries per request, counted inside Django against the same database."""
    out = subprocess.run(
        [sys.executable, str(Path(__file__)), "--count-queries"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def count_queries() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashchat.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from mastodon_api import actions
    from mastodon_api.models import Application

    app = Application.objects.first()
    user = User.objects.get(username="bench0")
    issued = actions.issue_token(
        app=app, user=user, profile=user.personal_profile, scopes={"read", "write"}
    )
    client = Client(headers={"Authorization": f"Bearer {issued.access_token}"})
    result = {}
    checks = {
        "tag timeline page (limit=40)": lambda: client.get(f"/api/v1/timelines/tag/{TAG}?limit=40"),
        "tag timeline page (limit=5)": lambda: client.get(f"/api/v1/timelines/tag/{TAG}?limit=5"),
        "public timeline page (limit=40)": lambda: client.get("/api/v1/timelines/public?limit=40"),
        "home timeline page (limit=40)": lambda: client.get("/api/v1/timelines/home?limit=40"),
        "post a status": lambda: client.post(
            "/api/v1/statuses", {"status": f"counting queries #{TAG}"}
        ),
    }
    for name, call in checks.items():
        call()  # warm caches (content types, connection set-up)
        with CaptureQueriesContext(connection) as ctx:
            response = call()
        assert response.status_code == 200, response.content
        result[name] = len(ctx.captured_queries)
    print(json.dumps(result))


def bench(db: str, clients: int, seconds: float, users: int, seed: int, processes: int) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"hashchat-bench-{db}-"))
    env = {"HASHCHAT_RATE_LIMITS": LIMITS, "HASHCHAT_LOG_LEVEL": "WARNING"}
    if db == "postgres":
        _reset_postgres()
        env["DATABASE_URL"] = PG_URL
    args: tuple[str, ...] = ("--no-worker",)
    if processes > 1:
        # Several web processes share the port and, through Redis, the live streams
        # and the rate-limit counters (hashchat serve --processes).
        env["REDIS_URL"] = REDIS_URL
        args += ("--processes", str(processes))
    server = start_server(data_dir=data_dir, env=env, args=args)
    try:
        server.hashchat("manage", "shell", "-c", _setup_code(users))
        tokens = _tokens(server.url, users)
        url = server.url

        async def post(conn: Connection, n: int) -> int:
            status, _, _ = await conn.request(
                "POST",
                "/api/v1/statuses",
                json_body={"status": f"A{random.randint(1, 5)} answer from client {n} #{TAG}"},
                headers={"Authorization": f"Bearer {tokens[n % len(tokens)]}"},
            )
            return status

        ok, errors, lat = _run(_run_clients(url, clients, seconds, post))
        posts = {"rate": ok / seconds, "errors": errors, "p50": _p(lat, 0.5), "p95": _p(lat, 0.95)}

        # Make sure the tag has plenty of pages, then read random pages of 40.
        have = ok
        if have < seed:
            seeded = asyncio.run(_seed(url, tokens, seed - have))
            have += seeded
        if db == "postgres":
            # On a running PostgreSQL, autovacuum has analysed and vacuumed a table
            # that took a thousand inserts (statistics for the planner, and the
            # visibility map that lets the Account counts come from the index
            # alone); this database was filled seconds ago.
            server.hashchat("manage", "shell", "-c", VACUUM)
        with httpx.Client(base_url=url, timeout=60) as client:
            headers = {"Authorization": f"Bearer {tokens[0]}"}
            page_one = client.get(f"/api/v1/timelines/tag/{TAG}?limit=40", headers=headers)
            ids = [int(s["id"]) for s in page_one.json()]
        newest = max(ids)

        async def page(conn: Connection, n: int) -> int:
            params = {"limit": 40}
            if n % 2:
                params["max_id"] = newest - random.randint(0, 2**22 * 1000 * 60)
            status, _, _ = await conn.request(
                "GET",
                f"/api/v1/timelines/tag/{TAG}",
                params=params,
                headers={"Authorization": f"Bearer {tokens[n % len(tokens)]}"},
            )
            return status

        ok, errors, lat = _run(_run_clients(url, clients, seconds, page))
        pages = {"rate": ok / seconds, "errors": errors, "p50": _p(lat, 0.5), "p95": _p(lat, 0.95)}
        queries = _queries(server.env)
        return {"db": db, "posts": posts, "pages": pages, "queries": queries, "seeded": have}
    finally:
        # SIGTERM: with several processes the supervisor stops its children too.
        server.kill(signal.SIGTERM)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1000, help="posts in the tag before reading")
    parser.add_argument(
        "--processes", type=int, default=1, help="web processes (above 1: behind Redis)"
    )
    parser.add_argument("--count-queries", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count_queries:
        count_queries()
        return
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(
        f"# {describe()}, "
        f"{args.clients} concurrent clients, {args.seconds:g} s per measurement, "
        f"{args.processes} web process(es)"
    )
    print("| database | measurement | per second | p50 ms | p95 ms | errors |")
    print("|---|---|---|---|---|---|")
    results = []
    for db in dbs:
        r = bench(db, args.clients, args.seconds, args.users, args.seed, args.processes)
        results.append(r)
        for label, key in (
            ("POST /api/v1/statuses", "posts"),
            ("GET tag timeline, limit=40", "pages"),
        ):
            m = r[key]
            print(
                f"| {db} | {label} | {m['rate']:.0f} | {m['p50']:.0f} | {m['p95']:.0f} "
                f"| {m['errors']} |",
                flush=True,
            )
    print()
    print("| database | request | SQL queries |")
    print("|---|---|---|")
    for r in results:
        for name, n in r["queries"].items():
            print(f"| {r['db']} | {name} | {n} |")


if __name__ == "__main__":
    main()
