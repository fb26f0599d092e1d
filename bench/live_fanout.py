"""Live fan-out benchmark: N Server-Sent-Events subscribers on one hashtag, M posts a
second through the API, delivery latency, missed events and server memory.

    .venv/bin/python bench/live_fanout.py                       # the full matrix
    .venv/bin/python bench/live_fanout.py --subscribers 1000 --processes 1 --seconds 10

For each number of web processes (1: the in-process hub; 2: two servers sharing
one data dir and Redis, subscribers split between them, posts sent to the first)
and each N, it starts hashchat on loopback, opens N subscribers to
/api/v1/streaming/hashtag?tag=benchchat from a separate client process
(bench/sse_subscribers.py: raw asyncio sockets, so the client stays light),
posts 10 uncounted warm-up posts, then posts at the given rate for the given
time, waits for stragglers, and prints one Markdown table row:

    latency = time a subscriber read the post's event - time the post request was sent

so it includes the API request, the commit, building the Status JSON and the
fan-out. "missed" counts (post, subscriber) pairs never delivered. RSS is the
largest resident set size seen per server process while the subscribers were
connected. It is a benchmark, never a test: nothing here asserts.
"""

import argparse
import array
import asyncio
import contextlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import describe  # noqa: E402

TAG = "benchchat"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")

# -- the driver -----------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class RssSampler(threading.Thread):
    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.peak = dict.fromkeys(pids, 0.0)
        self.running = True

    def run(self) -> None:
        while self.running:
            for pid in self.pids:
                self.peak[pid] = max(self.peak[pid], rss_mb(pid))
            time.sleep(0.25)


def token_for(url: str, username: str, password: str) -> str | None:
    """A bearer token through the Mastodon API (password grant), or None without it."""
    import httpx

    try:
        app = httpx.post(
            url + "/api/v1/apps",
            data={
                "client_name": "bench",
                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                "scopes": "read write",
            },
            timeout=10,
        )
        if app.status_code != 200:
            return None
        grant = httpx.post(
            url + "/oauth/token",
            data={
                "grant_type": "password",
                "username": username,
                "password": password,
                "client_id": app.json()["client_id"],
                "client_secret": app.json()["client_secret"],
                "scope": "read write",
            },
            timeout=10,
        )
        return grant.json().get("access_token") if grant.status_code == 200 else None
    except httpx.HTTPError:
        return None


SETUP = """
from datetime import time, timedelta
from django.utils import timezone
from accounts import actions as accounts
from chats import actions as chats
host = accounts.sign_up(username="benchhost", email="bench@example.org",
                        password="bench-secret-pw", timezone="UTC")
series = chats.create_series(user=host, organiser=host.personal_profile, hashtag="benchchat",
    title="Bench", timezone="UTC", rrule="FREQ=DAILY", start_time=time(0, 0))
event = chats.create_event(user=host, series=series, topic="Load",
    starts_at=timezone.now() - timedelta(minutes=1), questions=[])
print(event.id)
"""


async def post_all(
    urls: list[str], auth: dict, total: int, rate: float, sent: dict, label: str = "bench"
) -> int:
    """Post `total` posts at `rate` a second without waiting for earlier answers,
    taking the servers in turn. Subscribers count the posts labelled "bench" only."""
    import httpx

    ok = 0
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(timeout=30, limits=limits, **auth["client"]) as c:

        async def one(seq: int) -> None:
            nonlocal ok
            text = f"{label}-{seq}- load test #{TAG}"
            sent[seq] = time.time()
            url = urls[seq % len(urls)] + auth["path"]
            try:
                response = await c.post(url, **auth["body"](text))
            except httpx.HTTPError as e:
                sent.pop(seq, None)
                print(f"  post {seq}: {type(e).__name__}", flush=True)
                return
            if response.status_code in (200, 201):
                ok += 1
            else:
                sent.pop(seq, None)
                print(f"  post {seq}: {response.status_code} {response.text[:60]}", flush=True)

        await paced(total, rate, one)
    return ok


async def paced(total: int, rate: float, one: Callable[[int], Awaitable[None]]) -> None:
    """Start `one(0)` ... `one(total - 1)` at `rate` a second, never waiting for an
    earlier one to answer, then wait for them all."""
    start = time.monotonic()
    tasks = []
    for seq in range(total):
        delay = start + seq / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(one(seq)))
    await asyncio.gather(*tasks)


WARM_UP_POSTS = 10


def posting(urls: list[str], auth: dict, total: int, rate: float):
    """measure's `send`: `total` posts at `rate` a second through the servers, after
    WARM_UP_POSTS that nobody counts (a server's first requests open its threads'
    database connections and fill its caches; a running chat's server has done so)."""

    def send(sent: dict) -> int:
        asyncio.run(post_all(urls, auth, WARM_UP_POSTS, rate, {}, label="warm-up"))
        time.sleep(1.0)
        return asyncio.run(post_all(urls, auth, total, rate, sent))

    return send


def posting_auth(url: str, event_id: str) -> dict:
    token = token_for(url, "benchhost", "bench-secret-pw")
    if token:
        return {
            "how": "Mastodon API (POST /api/v1/statuses)",
            "client": {"headers": {"Authorization": f"Bearer {token}"}},
            "path": "/api/v1/statuses",
            "body": lambda text: {"json": {"status": text}},
        }
    import httpx

    session = httpx.Client(base_url=url, timeout=10)
    session.get("/login/")
    session.post(
        "/login/",
        data={
            "username": "benchhost",
            "password": "bench-secret-pw",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
    )
    cookies = dict(session.cookies)
    return {
        "how": "room endpoint with a logged-in session",
        "client": {
            "cookies": cookies,
            "headers": {"X-CSRFToken": cookies["csrftoken"], "Accept": "application/json"},
        },
        "path": f"/chats/{TAG}/events/{event_id}/room/post",
        "body": lambda text: {"data": {"text": text}},
    }


def percentile(ordered: list[float], p: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(servers, count: int, send: Callable[[dict[int, float]], int], path: str = "") -> dict:
    """Open `count` subscribers on the servers (on the hashtag stream, or `path`), run
    `send` (which records when it sent each post, by its sequence number, and answers
    how many were accepted), and measure what the subscribers read."""
    urls = [s.url for s in servers]
    with tempfile.NamedTemporaryFile(prefix="bench-", delete=False) as tmp:
        out = Path(tmp.name)
    client = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("sse_subscribers.py")),
            "--urls",
            ",".join(urls),
            "--count",
            str(count),
            "--out",
            str(out),
            *(["--path", path] if path else []),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert client.stdin is not None and client.stdout is not None
    sampler = RssSampler([s.process.pid for s in servers])
    sampler.start()
    line = client.stdout.readline().split()
    connected = int(line[1]) if len(line) == 2 else 0
    time.sleep(1.0)
    idle_rss = {pid: rss_mb(pid) for pid in sampler.pids}
    sent: dict[int, float] = {}
    posted = send(sent)
    time.sleep(3.0)  # stragglers
    client.stdin.write("stop\n")
    client.stdin.flush()
    client.wait(timeout=120)
    sampler.running = False
    with open(out, "rb") as f:
        meta = json.loads(f.readline())
        rest = f.read()
    out.unlink()
    n = len(rest) // 24
    receipts = array.array("q")
    receipts.frombytes(rest[: n * 16])
    times = array.array("d")
    times.frombytes(rest[n * 16 :])
    latencies = sorted(
        (times[i] - sent[receipts[2 * i + 1]]) * 1000
        for i in range(n)
        if receipts[2 * i + 1] in sent
    )
    created = {
        int(seq): datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        for seq, value in meta["created"].items()
    }
    fanout = sorted(
        (times[i] - created[receipts[2 * i + 1]]) * 1000
        for i in range(n)
        if receipts[2 * i + 1] in created
    )
    # The API's share: from sending the post request to the post's created_at.
    by_post = {seq: (created[seq] - sent[seq]) * 1000 for seq in created if seq in sent}
    commit = sorted(by_post.values())
    slowest = sorted(by_post, key=by_post.__getitem__)[-5:]
    expected = posted * connected
    return {
        "subscribers": connected,
        "posted": posted,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "max": latencies[-1] if latencies else float("nan"),
        "mean": statistics.fmean(latencies) if latencies else float("nan"),
        "fanout_p50": percentile(fanout, 50),
        "fanout_p99": percentile(fanout, 99),
        "commit_p50": percentile(commit, 50),
        "commit_p99": percentile(commit, 99),
        "slowest": ", ".join(f"#{seq} {by_post[seq]:.0f}" for seq in reversed(slowest)),
        "missed": expected - len(latencies),
        "dropped": meta["dropped"],
        "rss_idle": idle_rss,
        "rss_peak": dict(sampler.peak),
    }


def start_servers(processes: int, data_dir: Path):
    from tests.server import start_server

    env = {
        "HASHCHAT_RATE_LIMITS": "post:profile=0/60,post:ip=0/60,api=1000000/300",
        "HASHCHAT_LOG_LEVEL": "WARNING",
    }
    if processes > 1:
        import redis

        redis.Redis.from_url(REDIS_URL).ping()
        env["REDIS_URL"] = REDIS_URL
    servers = [start_server(data_dir=data_dir, env=env)]
    for _ in range(processes - 1):
        servers.append(start_server(data_dir=data_dir, env=env, args=("--no-worker",)))
    return servers


def run_matrix(args: argparse.Namespace) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(
        f"# live fan-out, {describe()}, {platform.node()}",
        flush=True,
    )
    print(
        "| processes | subscribers | posts/s | posts | p50 ms | p95 ms | p99 ms | max ms "
        "| fan-out p50 / p99 ms | missed | dropped | server RSS idle / peak MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|", flush=True)
    for processes in args.processes:
        with tempfile.TemporaryDirectory(prefix="hashchat-bench-") as tmp:
            servers = start_servers(processes, Path(tmp))
            try:
                done = servers[0].hashchat("manage", "shell", "-c", SETUP)
                event_id = done.stdout.strip().splitlines()[-1]
                auth = posting_auth(servers[0].url, event_id)
                print(f"<!-- posting through the {auth['how']} -->", flush=True)
                for count in args.subscribers:
                    rate = args.rate_5000 if count >= 5000 else args.rate
                    total = int(rate * args.seconds)
                    urls = [s.url for s in servers]
                    r = measure(servers, count, posting(urls, auth, total, rate))
                    rss = ", ".join(
                        f"{r['rss_idle'][pid]:.0f} / {r['rss_peak'][pid]:.0f}"
                        for pid in r["rss_peak"]
                    )
                    print(
                        f"| {processes} | {r['subscribers']} | {rate:g} | {r['posted']} "
                        f"| {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | {r['max']:.0f} "
                        f"| {r['fanout_p50']:.0f} / {r['fanout_p99']:.0f} "
                        f"| {r['missed']} | {r['dropped']} | {rss} |",
                        flush=True,
                    )
                    print(
                        f"<!-- request to created_at p50 / p99: {r['commit_p50']:.0f} / "
                        f"{r['commit_p99']:.0f} ms (slowest: {r['slowest']}); "
                        f"load average {os.getloadavg()[0]:.2f} -->",
                        flush=True,
                    )
            finally:
                for server in servers:
                    server.kill(signal.SIGTERM)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", default="100,1000,5000")
    parser.add_argument("--processes", default="1,2")
    parser.add_argument("--rate", type=float, default=20.0, help="posts per second")
    parser.add_argument(
        "--rate-5000", type=float, default=20.0, help="posts per second with 5,000 or more"
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="how long to post")
    args = parser.parse_args()
    args.subscribers = [int(x) for x in args.subscribers.split(",")]
    args.processes = [int(x) for x in args.processes.split(",")]
    run_matrix(args)


if __name__ == "__main__":
    main()
