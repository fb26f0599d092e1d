"""Loaded by Python at start-up in the benchmark's server processes when
bench/endpoints_bench.py runs with --gc-pauses (this folder is put on PYTHONPATH):
every collection of Python's cycle collector that holds the process up 5 ms or more
is written, as "wall-clock time, generation, milliseconds, objects collected", to
a file of its own per process under $HASHCHAT_BENCH_GC_DIR. Benchmarks only."""

import gc
import os
import time

_DIR = os.environ.get("HASHCHAT_BENCH_GC_DIR", "")
_started = [0.0]


def _watch(phase: str, info: dict) -> None:
    if phase == "start":
        _started[0] = time.perf_counter()
        return
    took = (time.perf_counter() - _started[0]) * 1000
    if took >= 5:
        line = f"{time.time():.3f} {info['generation']} {took:.1f} {info['collected']}\n"
        with open(os.path.join(_DIR, f"pauses-{os.getpid()}.log"), "a") as out:
            out.write(line)


if _DIR:
    gc.callbacks.append(_watch)
