"""A real hashchat server on loopback for end-to-end tests.

    with running_server() as server:
        httpx.get(server.url + "/")

Each server gets its own data dir (a fresh SQLite database) unless `data_dir`
or `env` (DATABASE_URL, REDIS_URL) say otherwise, and is killed at the end. With
DATABASE_URL on PostgreSQL, each data dir gets a fresh database of its own.
"""

import atexit
import contextlib
import hashlib
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
from urllib.parse import urlsplit, urlunsplit

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


_created_databases: set[str] = set()


def _drop_created_databases() -> None:
    for url in _created_databases:
        with contextlib.suppress(Exception):
            _admin(url, f'DROP DATABASE IF EXISTS "{_db_name(url)}" WITH (FORCE)')


def _db_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _admin(url: str, statement: str) -> None:
    import psycopg

    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def instance_database(url: str, data_dir: Path) -> str:
    """On PostgreSQL, each data dir (one hashchat instance, however many processes)
    gets a database of its own, created empty and dropped when the tests end; two
    servers started on the same data dir share it. SQLite needs nothing."""
    if not url.startswith(("postgres://", "postgresql://")):
        return url
    name = "hc_e2e_" + hashlib.sha1(str(data_dir.resolve()).encode()).hexdigest()[:16]
    own = urlunsplit(urlsplit(url)._replace(path="/" + name))
    if own not in _created_databases:
        _admin(own, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin(own, f'CREATE DATABASE "{name}"')
        if not _created_databases:
            atexit.register(_drop_created_databases)
        _created_databases.add(own)
    return own


def server_env(data_dir: Path, extra: dict | None = None) -> dict:
    env = {**os.environ, "HASHCHAT_DATA_DIR": str(data_dir), "HASHCHAT_SECRET_KEY": "test-secret"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra or {})
    if env.get("DATABASE_URL"):
        env["DATABASE_URL"] = instance_database(env["DATABASE_URL"], data_dir)
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
    if "--processes" not in args:
        # Tests choose how many processes they run; with REDIS_URL set (the scale-out
        # lane) `serve` would otherwise start one per core.
        args = (*args, "--processes", "1")
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
        wait_until_up(url, process, timeout=120)
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
