"""What a benchmark's header says about the machine it ran on, and a reference
figure for how fast that machine was at the time.

The speed of this kind of virtual machine drifts by a factor of two to three
within an hour (docs/performance.md): a figure measured in the evening and one
measured the next morning are not comparable by themselves. Each benchmark's
header therefore carries `reference`: the CPU milliseconds a fixed piece of plain
Python work takes (building, reading and sorting small dicts and strings, the
kind of work a request does), the least of several tries. Twice the reference
means a machine half as fast; divide by it to compare runs made at different
times."""

import os
import platform
import time
from pathlib import Path
from typing import Any


def _work() -> int:
    rows: list[dict[str, Any]] = [
        {"id": i, "name": f"user{i}", "tags": [i % 7, i % 11]} for i in range(10000)
    ]
    total = 0
    for row in rows:
        total += len(row["name"]) + sum(row["tags"])
    ordered = sorted(rows, key=lambda row: (row["tags"][1], -row["id"]))
    return total + len(",".join(row["name"] for row in ordered[:500]))


def reference_ms(tries: int = 9) -> float:
    """CPU milliseconds of the fixed work, the least of `tries`."""
    best = float("inf")
    for _ in range(tries):
        started = time.process_time()
        _work()
        best = min(best, time.process_time() - started)
    return best * 1000


def describe() -> str:
    """'2026-11-30 05:00 UTC, 2 cores, load 1.2, CPython 3.11.7, reference 6.8 ms'."""
    return (
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}, {platform.python_implementation()} "
        f"{platform.python_version()}, reference {reference_ms():.2f} ms"
    )


def process_tree(pid: int) -> set[int]:
    """`pid` and every process under it that is still running (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                raw = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(raw[raw.rindex(")") + 2 :].split()[1])
            children.setdefault(parent, []).append(int(entry))
    found, pending = set(), [pid]
    while pending:
        p = pending.pop()
        found.add(p)
        pending.extend(children.get(p, []))
    return found
