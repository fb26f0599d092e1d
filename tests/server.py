"""A real hashchat server on loopback for end-to-end tests.

    with running_server() as server:
        httpx.get(server.url + "/")

Each server gets its own data dir (a fresh SQLite database) unless `data_dir`
or `env` (DATABASE_URL, REDIS_URL) say otherwise, and is killed at the end.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    port: int
    data_dir: Path
    process: subprocess.Popen
    env: dict

    def hashchat(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        """Run another `hashchat` command against the same data (createuser, manage ...)."""
        return subprocess.run(
            [sys.executable, "-m", "hashchat.cli", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            **kwargs,
        )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=20)


def server_env(data_dir: Path, extra: dict | None = None) -> dict:
    env = {**os.environ, "HASHCHAT_DATA_DIR": str(data_dir), "HASHCHAT_SECRET_KEY": "test-secret"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra or {})
    return env


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"hashchat serve exited with {process.returncode}")
        try:
            httpx.get(url + "/api/v1/instance", timeout=2.0)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"hashchat serve did not answer at {url} within {timeout}s")


def start_server(
    *,
    data_dir: Path,
    env: dict | None = None,
    args: tuple[str, ...] = (),
    port: int | None = None,
    log_path: Path | None = None,
) -> Server:
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    full_env = server_env(data_dir, {"HASHCHAT_BASE_URL": url, **(env or {})})
    log = open(log_path or data_dir / f"server-{port}.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hashchat.cli",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
            *args,
        ],
        env=full_env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(url, process)
    except Exception:
        process.kill()
        process.wait()
        raise
    return Server(url=url, port=port, data_dir=data_dir, process=process, env=full_env)


@contextlib.contextmanager
def running_server(
    *, env: dict | None = None, args: tuple[str, ...] = (), data_dir: Path | None = None
) -> Iterator[Server]:
    with contextlib.ExitStack() as stack:
        if data_dir is None:
            data_dir = Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="hashchat-e2e-"))
            )
        server = start_server(data_dir=data_dir, env=env, args=args)
        try:
            yield server
        finally:
            server.kill(signal.SIGTERM)
