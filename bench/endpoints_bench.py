"""Benchmark of every endpoint a chat touches (not a test): requests per second at 8
and 16 keep-alive clients, p50/p99, the server's CPU per request and SQL queries per
request, on a database seeded to `--posts` posts (10,000 by default; 1,000,000 to show
that a page costs the same whatever the table's size).

    .venv/bin/python bench/endpoints_bench.py --db sqlite --posts 10000
    .venv/bin/python bench/endpoints_bench.py --db postgres --posts 1000000 --seconds 5
    .venv/bin/python bench/endpoints_bench.py --only status,home --clients 8
    .venv/bin/python bench/endpoints_bench.py --gc-pauses   # and the cycle collector's pauses

It seeds (bench/endpoint_data.py) a fresh SQLite data dir or PostgreSQL database
`hashchat_bench_endpoints`, starts `hashchat serve` as an operator would (its default
processes and in-process worker), then runs each endpoint in turn:

- post: POST /api/v1/statuses, "A<n> ... #benchchat" in the live chat (A/Q linking runs);
- status: GET /api/v1/statuses/:id of a random answer;
- home: GET /api/v1/timelines/home?limit=40, half the newest page, half below a random max_id;
- notifications: GET /api/v1/notifications?limit=40;
- context: GET /api/v1/statuses/:id/context of the question with 100 replies;
- tag: GET /api/v1/timelines/tag/benchchat?limit=40 (newest and random pages);
- room: GET the live event's room page (HTML, 200 posts);
- sse: connect to the room's event stream and wait for its first event (sequential).

The server's CPU per request is its processes' CPU time (/proc) over the run divided by
the requests answered. Queries per request are counted inside Django (test client,
CaptureQueriesContext) against the same database after the load, and so is the CPU
one request takes through the middleware and view alone (requests one after another,
the best of eight batches; `--in-process-only` measures just that, without a server): the
difference from the server's CPU per request is the cost of the server around
Django. Rate limits are raised so that they do not cap the figures. Results:
docs/performance.md. To tell whether a change made an endpoint cheaper, compare two
checkouts in interleaved rounds on the same data with bench/compare_checkouts.py:
whole runs made one after the other differ by more than most changes do.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.endpoint_data import TAG  # noqa: E402
from bench.endpoint_inside import (  # noqa: E402
    _paths,
    child_explain,
    child_queries,
    child_seed,
)
from bench.gc_pauses import pauses_between, watched_env  # noqa: E402
from bench.loadclient import Connection  # noqa: E402
from bench.machine import describe, process_tree  # noqa: E402
from bench.mastodon_api_bench import (  # noqa: E402
    LIMITS,
    _p,
    _reset_postgres,
    _run,
    _run_clients,
    _tokens,
)
from tests.server import Server, free_port, wait_until_up  # noqa: E402

PG_URL = "postgres://postgres@127.0.0.1:5432/hashchat_bench_endpoints"
ENDPOINTS = ["status", "home", "notifications", "context", "tag", "room", "sse", "post"]
TOKENS = 8


def _child(*args: str, env: dict) -> dict:
    """Run this file in a child with the server's environment; its last line is JSON."""
    out = subprocess.run(
        [sys.executable, str(Path(__file__)), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(f"{args[0]} failed")
    for line in out.stdout.splitlines():
        if not line.startswith("{"):
            print(" ", line, flush=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children still running."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in process_tree(pid):
        try:
            raw = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            continue  # ended since the tree was read
        fields = raw[raw.rindex(")") + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


async def _first_events(url: str, path: str, count: int) -> list[float]:
    """Seconds from connecting to the room stream to its first bytes, `count` times."""
    conn = Connection.for_url(url)
    times = []
    request = f"GET {path} HTTP/1.1\r\nHost: {conn.host}\r\nAccept: text/event-stream\r\n\r\n"
    for _ in range(count):
        started = time.monotonic()
        reader, writer = await asyncio.open_connection(conn.host, conn.port)
        writer.write(request.encode())
        seen = b""
        # The stream opens with a comment line once it is subscribed (live.streaming):
        # the first bytes of the body are its first event.
        while not seen.partition(b"\r\n\r\n")[2]:
            chunk = await asyncio.wait_for(reader.read(65536), 10)
            if not chunk:
                raise ConnectionError("the stream closed before its first event")
            seen += chunk
        if not seen.startswith(b"HTTP/1.1 200"):
            raise ConnectionError(seen[:200].decode(errors="replace"))
        times.append(time.monotonic() - started)
        writer.close()
    return times


def measure(server, info: dict, tokens: list[str], name: str, clients: int, seconds: float):
    paths = _paths(info)
    newest = max(info["answers"])
    oldest = newest - (90 * 24 * 3600 * 1000 << 22)
    if name == "sse":
        path = paths["room"]() + "stream"
        before = _tree_cpu(server.process.pid)
        times = _run(_first_events(server.url, path, 100))
        cpu = _tree_cpu(server.process.pid) - before
        return {"rate": len(times) / sum(times), "p50": _p(times, 0.5), "p99": _p(times, 0.99),
                "cpu_ms": cpu / len(times) * 1000, "errors": 0}  # fmt: skip

    async def one(conn: Connection, n: int) -> int:
        headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
        if name == "post":
            body = {"status": f"A{random.randint(1, 5)} answer from client {n} #{TAG}"}
            status, _, _ = await conn.request(
                "POST", "/api/v1/statuses", json_body=body, headers=headers
            )
            return status
        path = paths[name]()
        if name in ("home", "tag") and n % 2:
            path += f"&max_id={random.randint(oldest, newest)}"
        if name == "room":
            headers = {}
        elif name in ("home", "notifications"):
            headers = {"Authorization": f"Bearer {tokens[0]}"}  # the viewer with follows
        status, _, _ = await conn.request("GET", path, headers=headers)
        return status

    return timed([server.process.pid], server.url, clients, seconds, one)


def timed(pids: list[int], url: str, clients: int, seconds: float, one) -> dict:
    """`clients` keep-alive clients calling one(conn, n) for `seconds`, and the CPU the
    server processes `pids` spent meanwhile, per request answered."""
    before = sum(_tree_cpu(p) for p in pids)
    ok, errors, latencies = _run(_run_clients(url, clients, seconds, one))
    cpu = sum(_tree_cpu(p) for p in pids) - before
    return {
        "rate": ok / seconds,
        "p50": _p(latencies, 0.5),
        "p99": _p(latencies, 0.99),
        "cpu_ms": cpu / max(1, ok + errors) * 1000,
        "errors": errors,
    }


def _start(data_dir: Path, env: dict, args: tuple[str, ...], root: Path = ROOT) -> Server:
    """`hashchat serve` on the seeded data (tests.server.start_server would give a
    PostgreSQL server a fresh database of its own), from the checkout at `root`."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(data_dir / f"server-{port}.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "hashchat.cli", "serve", "--port", str(port),
         "--log-level", "warning", *args],
        env={**env, "HASHCHAT_BASE_URL": url}, cwd=root, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    wait_until_up(url, process, timeout=120)
    return Server(url=url, port=port, data_dir=data_dir, process=process, env=env)


def server_env(data_dir: Path, db: str, redis: str = "") -> dict[str, str]:
    """The environment the benchmark's servers and children run in."""
    env = {
        **os.environ,
        "HASHCHAT_DATA_DIR": str(data_dir),
        "HASHCHAT_SECRET_KEY": "bench-secret",
        "HASHCHAT_RATE_LIMITS": LIMITS,
        "HASHCHAT_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "hashchat.settings",
    }
    if db == "postgres":
        env["DATABASE_URL"] = PG_URL
    if redis:
        env["REDIS_URL"] = redis
    return env


def bench(args) -> None:
    if args.data_dir:
        data_dir = Path(args.data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix=f"hashchat-endpoints-{args.db}-"))
    info_path = data_dir / "bench.json"
    env = server_env(data_dir, args.db, args.redis)
    gc_dir = data_dir / "gc-pauses"
    if args.gc_pauses:
        env = watched_env(env, gc_dir)
    if info_path.exists():
        # Seeded by an earlier run (--data-dir): measured again as it is.
        info = json.loads(info_path.read_text())
        print(f"reusing {data_dir} ({info['posts']:,} posts)", flush=True)
    else:
        if args.db == "postgres":
            _reset_postgres("hashchat_bench_endpoints")
        print(f"seeding {args.posts:,} posts ({args.db}) ...", flush=True)
        info = _child("--child-seed", str(args.posts), env=env)
        info_path.write_text(json.dumps(info))
    if args.seed_only:
        return
    if args.explain:
        _child("--child-explain", str(info_path), "--only", args.only, env=env)
        return
    if args.in_process_only:
        _print_queries(_child("--child-queries", str(info_path), "--only", args.only, env=env))
        return
    server_args: tuple[str, ...] = ()
    if args.processes:
        server_args += ("--processes", str(args.processes))
    if args.worker == "thread":
        server_args += ("--in-process-worker",)
    server = _start(data_dir, env, server_args)
    rows = []
    try:
        tokens = _tokens(server.url, TOKENS)
        wanted = [e for e in ENDPOINTS if not args.only or e in args.only.split(",")]
        for name in wanted:
            for clients in [1] if name == "sse" else args.clients:
                started = time.time()
                m = measure(server, info, tokens, name, clients, args.seconds)
                rows.append((name, clients, m))
                print(
                    f"| {name} | {clients} | {m['rate']:.0f} | {m['p50']:.1f} | {m['p99']:.1f} "
                    f"| {m['cpu_ms']:.2f} | {m['errors']} |",
                    flush=True,
                )
                if args.gc_pauses:
                    pids = process_tree(server.process.pid)
                    print(f"<!-- {pauses_between(gc_dir, started, time.time(), pids)} -->")
    finally:
        server.kill(signal.SIGTERM)
    _print_queries(_child("--child-queries", str(info_path), "--only", args.only, env=env))


def _print_queries(queries: dict) -> None:
    print()
    print("| endpoint | SQL queries per request | CPU ms per request in-process |")
    print("|---|---|---|")
    for name, (n, cpu_ms) in queries.items():
        print(f"| {name} | {n} | {cpu_ms:.2f} |")


def _posts_told(args) -> str:
    """The posts the run measures: those of a data dir seeded before, or --posts."""
    seeded = Path(args.data_dir) / "bench.json" if args.data_dir else None
    if seeded is not None and seeded.exists():
        return f"{json.loads(seeded.read_text())['posts']:,} posts (seeded before)"
    return f"{args.posts:,} posts"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--clients", default="8,16")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--only", default="", help="comma-separated endpoints")
    parser.add_argument(
        "--processes", type=int, default=0, help="hashchat serve --processes (default: serve's own)"
    )
    parser.add_argument("--redis", default="", help="REDIS_URL for the server")
    parser.add_argument(
        "--worker",
        choices=["process", "thread"],
        default="process",
        help="serve's worker as a process of its own (its default on 2 cores) or a thread",
    )
    parser.add_argument(
        "--data-dir", default="", help="seed here once; later runs with it measure the same data"
    )
    parser.add_argument("--seed-only", action="store_true", help="seed (--data-dir), then stop")
    parser.add_argument(
        "--gc-pauses",
        action="store_true",
        help="after each row, the server's cycle-collector pauses of 5 ms or more",
    )
    parser.add_argument(
        "--in-process-only",
        action="store_true",
        help="only the queries and CPU per request inside Django (no server, no load)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print the plan of every query of the reading endpoints (no server, no load)",
    )
    parser.add_argument("--child-seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-explain", help=argparse.SUPPRESS)
    parser.add_argument("--child-queries", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_seed is not None:
        return child_seed(args.child_seed)
    if args.child_explain:
        return child_explain(args.child_explain, args.only)
    if args.child_queries:
        return child_queries(args.child_queries, args.only)
    args.clients = [int(c) for c in args.clients.split(",")]
    print(
        f"# {describe()}, "
        f"{args.db}, {_posts_told(args)}, {args.seconds:g} s per measurement, "
        f"the worker as a {args.worker}"
    )
    print("| endpoint | clients | requests/s | p50 ms | p99 ms | server CPU ms/request | errors |")
    print("|---|---|---|---|---|---|---|")
    bench(args)


if __name__ == "__main__":
    main()
