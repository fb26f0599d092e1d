"""Two checkouts of hashchat side by side on the same seeded data (not a test): this
one and `--base` (another checkout, say `git worktree add /tmp/base <commit>`), each
serving from its own `hashchat serve`, measured in short interleaved rounds.

    .venv/bin/python bench/endpoints_bench.py --seed-only --data-dir /var/tmp/hc-bench-10k
    .venv/bin/python bench/compare_checkouts.py --base /tmp/base \\
        --data-dir /var/tmp/hc-bench-10k --only status,home --rounds 10

The speed of this kind of machine drifts by a factor of two to three within an hour,
and by a fifth from one minute to the next: whole runs of bench/endpoints_bench.py
made one after the other differ more than most changes do. Here each round measures
both servers for `--seconds` each, the base first in one round and second in the
next, with the same load as bench/endpoints_bench.py (its `measure`). Each round
gives a pair taken within seconds of each other; the table reports both servers'
medians and the median and range of the pairs' ratios (this checkout's CPU per
request over the base's: under 1 is cheaper).

Both checkouts must read the same schema (the same migrations); they share the
data dir, and its database. Reading endpoints compare cleanly; with `post`, a job a
post starts runs in whichever server's worker claims it first.
"""

import argparse
import json
import signal
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.endpoints_bench import (  # noqa: E402
    ENDPOINTS,
    TOKENS,
    _start,
    measure,
    server_env,
)
from bench.machine import describe  # noqa: E402
from bench.mastodon_api_bench import _tokens  # noqa: E402


def compare(args) -> None:
    data_dir = Path(args.data_dir)
    info_path = data_dir / "bench.json"
    if not info_path.exists():
        raise SystemExit(
            f"{data_dir} holds no seeded data: run bench/endpoints_bench.py --seed-only "
            f"--data-dir {data_dir} first"
        )
    info = json.loads(info_path.read_text())
    env = server_env(data_dir, args.db, args.redis)
    server_args = ("--processes", str(args.processes)) if args.processes else ()
    base_root = Path(args.base).resolve()
    if not (base_root / "hashchat" / "cli.py").exists():
        raise SystemExit(f"{base_root} is not a hashchat checkout")
    servers = {
        "base": _start(data_dir, env, server_args, root=base_root),
        "this": _start(data_dir, env, server_args),
    }
    try:
        tokens = _tokens(servers["this"].url, TOKENS)
        wanted = [e for e in ENDPOINTS if e != "sse" and (not args.only or e in args.only)]
        for name in wanted:
            for clients in args.clients:
                report(name, clients, rounds(servers, info, tokens, name, clients, args))
    finally:
        for server in servers.values():
            server.kill(signal.SIGTERM)


def rounds(servers, info, tokens, name: str, clients: int, args) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {"base": [], "this": []}
    for n in range(args.rounds):
        order = ["base", "this"] if n % 2 == 0 else ["this", "base"]
        for which in order:
            found[which].append(measure(servers[which], info, tokens, name, clients, args.seconds))
    return found


def report(name: str, clients: int, found: dict[str, list[dict]]) -> None:
    def median(which: str, key: str) -> float:
        return statistics.median(m[key] for m in found[which])

    ratios = sorted(
        this["cpu_ms"] / base["cpu_ms"]
        for this, base in zip(found["this"], found["base"], strict=True)
        if base["cpu_ms"]
    )
    errors = sum(m["errors"] for ms in found.values() for m in ms)
    print(
        f"| {name} | {clients} | {median('base', 'rate'):.0f} | {median('this', 'rate'):.0f} "
        f"| {median('base', 'cpu_ms'):.2f} | {median('this', 'cpu_ms'):.2f} "
        f"| {statistics.median(ratios):.2f} ({ratios[0]:.2f}-{ratios[-1]:.2f}) | {errors} |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="the other checkout to compare with")
    parser.add_argument("--data-dir", required=True, help="seeded by bench/endpoints_bench.py")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--redis", default="", help="REDIS_URL for both servers")
    parser.add_argument("--processes", type=int, default=0, help="hashchat serve --processes")
    parser.add_argument("--only", default="", help="comma-separated endpoints")
    parser.add_argument("--clients", default="8")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=1.5, help="per server per round")
    args = parser.parse_args()
    args.only = [e for e in args.only.split(",") if e]
    args.clients = [int(c) for c in args.clients.split(",")]
    print(
        f"# {describe()}, {args.db}, base {Path(args.base).resolve()}, {args.rounds} "
        f"interleaved rounds of {args.seconds:g} s per server"
    )
    print(
        "| endpoint | clients | base req/s | this req/s | base CPU ms/request "
        "| this CPU ms/request | CPU ratio, median (range) | errors |"
    )
    print("|---|---|---|---|---|---|---|---|")
    compare(args)


if __name__ == "__main__":
    main()
