"""Several web processes on one port, each with a listening socket of its own.

`hashchat serve --processes N` (and, with REDIS_URL, one process per core by
default) starts N copies of itself. Each binds the port with SO_REUSEPORT, so the
kernel spreads new connections evenly over the processes by their addresses. With
one socket shared by every process (uvicorn's own `workers`), whichever process was
awake took the next connection: 16 keep-alive connections landed 11 and 5 on two
processes in the measurement in docs/performance.md.

The parent only supervises: it restarts a process that dies (after a second, so a
process that cannot start does not spin) and, on SIGTERM or SIGINT, stops them all
and waits for them.
"""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

# Set in the children: they bind with SO_REUSEPORT and leave migrations to the parent.
CHILD_ENV = "HASHCHAT_SERVE_CHILD"


def default_processes(redis_url: str) -> int:
    """One web process per core when Redis carries the live streams between them;
    one otherwise (the embedded default joins only its worker to its web process)."""
    if not redis_url:
        return 1
    return max(1, cores())


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A listening socket on host:port that other processes may bind too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _die_with_parent() -> None:
    """In a child before exec: SIGTERM when the supervisor dies, even by SIGKILL
    (Linux prctl PR_SET_PDEATHSIG), so no web process outlives it."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def supervise(count: int, argv: list[str]) -> int:
    """Run `count` children (`argv` with --processes 1) until told to stop."""
    env = {**os.environ, CHILD_ENV: "1"}
    command = [sys.executable, "-m", "hashchat.cli", *argv, "--processes", "1"]
    stopping = False

    def start() -> subprocess.Popen:
        return subprocess.Popen(command, env=env, preexec_fn=_die_with_parent)

    children = [start() for _ in range(count)]

    def stop(signum, _frame) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        time.sleep(0.5)
        for i, child in enumerate(children):
            if child.poll() is not None and not stopping:
                print(
                    f"hashchat serve: web process {child.pid} exited with {child.returncode};"
                    " starting another",
                    file=sys.stderr,
                    flush=True,
                )
                time.sleep(1)
                children[i] = start()
    deadline = time.monotonic() + 15
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return 0


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def prepare_worker_process(*, processes: int, no_worker: bool) -> bool:
    """Whether the worker runs as a process of its own: on the embedded default (one
    web process, no Redis) with two cores or more, so that it has the second core.
    Its live events then reach the web process over a Unix socket (live.local_bridge)
    in a directory only this user may enter, named here in HASHCHAT_LIVE_SOCKET for
    both processes. With Redis, each web process runs a worker thread and Redis
    carries the events."""
    if os.environ.get("REDIS_URL") or processes != 1 or no_worker or cores() < 2:
        return False
    socket_dir = tempfile.mkdtemp(prefix="hashchat-live-")
    os.environ["HASHCHAT_LIVE_SOCKET"] = os.path.join(socket_dir, "live.sock")
    return True


def _worker_child() -> None:
    """In the worker child before exec: it stops with the web process, and leaves
    Ctrl-C in a terminal (SIGINT to the whole group) to the web process, which then
    stops it."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class WorkerProcess:
    """`hashchat worker` as a child of the web process: restarted when it dies (after a
    second), stopped with it, and killed by the kernel if the web process is."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.child: subprocess.Popen | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="worker-process", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        # Started from this thread, which lives as long as the process: the kernel's
        # parent-death signal follows the thread that started the child.
        command = [sys.executable, "-m", "hashchat.cli", "worker"]
        while not self._stopping:
            self.child = subprocess.Popen(command, env=self.env, preexec_fn=_worker_child)
            code = self.child.wait()
            if self._stopping:
                return
            print(
                f"hashchat serve: the worker process exited with {code}; starting another",
                file=sys.stderr,
                flush=True,
            )
            time.sleep(1)

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping = True
        child = self.child
        if child is None or child.poll() is not None:
            return
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def run_uvicorn(args, *, child: bool) -> None:
    """Serve hashchat in this process with uvicorn (Django set up, migrated)."""
    import uvicorn
    from django.conf import settings

    config = uvicorn.Config(
        "hashchat.asgi:application",
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        log_level=args.log_level,
        # Logging is Django's (settings.LOGGING); each request is logged by
        # core.requestlog, without its query string (it may hold a token).
        log_config=None,
        access_log=False,
        # X-Forwarded-For/-Proto are believed from these addresses only.
        proxy_headers=bool(settings.TRUSTED_PROXIES),
        forwarded_allow_ips=settings.TRUSTED_PROXIES or None,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    # One of several processes: a socket of its own on the shared port.
    server.run(sockets=[reuse_port_socket(args.host, args.port)] if child else None)
