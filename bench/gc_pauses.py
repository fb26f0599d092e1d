"""The cycle collector's pauses in the benchmark's servers (bench/gc_watch): how many
held a process up 5 ms or more within a span of wall-clock time, their total and
the longest."""

import os
from pathlib import Path

WATCH = Path(__file__).resolve().parent / "gc_watch"


def watched_env(env: dict[str, str], folder: Path) -> dict[str, str]:
    """`env` with the watcher loaded into every Python process started with it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = os.pathsep.join(p for p in (str(WATCH), env.get("PYTHONPATH", "")) if p)
    return {**env, "PYTHONPATH": path, "HASHCHAT_BENCH_GC_DIR": str(folder)}


def pauses_between(folder: Path, start: float, end: float, pids: set[int]) -> str:
    """One line on the pauses of processes `pids` from `start` to `end` (time.time())."""
    found = []
    for log in folder.glob("pauses-*.log"):
        if int(log.stem.split("-")[1]) not in pids:
            continue
        for line in log.read_text().splitlines():
            at, _generation, took, _collected = line.split()
            if start <= float(at) <= end:
                found.append(float(took))
    if not found:
        return "no cycle-collector pause of 5 ms or more"
    return (
        f"{len(found)} cycle-collector pauses of 5 ms or more, {sum(found):.0f} ms in all, "
        f"the longest {max(found):.0f} ms"
    )
