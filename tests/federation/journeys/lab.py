"""The federation lab: real servers under real names with real TLS, all on loopback.

    lab = Lab.up({"chat-a.test": "127.0.0.2", ...})   # names, CA, nginx (deploy/fedlab/fedlab.sh)
    a = lab.hashchat("chat-a.test")                    # `hashchat serve` behind https://chat-a.test
    t = lab.takahe("takahe.test")                      # Takahē (../shared/peers/takahe/setup.sh)
    lab.down()                                         # everything stopped, names removed

Every process the lab starts is recorded in FEDLAB_DIR/pids (one process group per line), so
`fedlab.sh down` stops them even when the test run itself was killed. Needs root (/etc/hosts,
port 443) and nginx; PostgreSQL only for Takahē.
"""

import contextlib
import ctypes
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from tests.federation.journeys.ports import site_port

ROOT = Path(__file__).resolve().parents[3]
FEDLAB = ROOT / "deploy" / "fedlab" / "fedlab.sh"
LAB_DIR = Path(os.environ.get("FEDLAB_DIR", "/tmp/hashchat-fedlab"))
# Takahē lives beside the checkout (CI: a clean clone with ../shared beside it, read-only).
PEERS = Path(os.environ.get("FEDLAB_PEERS", ROOT.parent / "shared" / "peers"))
# Takahē's install (its own venv, minutes to build) is kept between runs, outside the lab dir.
TAKAHE_DIR = Path(os.environ.get("FEDLAB_TAKAHE_DIR", "/var/tmp/hashchat-fedlab-takahe"))
POSTGRES = os.environ.get("FEDLAB_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
LOCK = Path("/tmp/hashchat-fedlab.lock")
TAKAHE_DB = "hc_fedlab_takahe"
TAKAHE_TEMPLATE = "hc_fedlab_takahe_template"

# What a hashchat server in the lab is told besides its address: federation may reach the lab's
# names although they resolve to loopback (federation refuses private addresses otherwise).
FEDERATION_ENV_NAME = "HASHCHAT_FEDERATION_ALLOWED_HOSTS"


def _die_with_parent() -> None:
    """In the child before exec: a new session (its own process group, so the lab can stop it
    and whatever it starts) that gets SIGTERM if the test run dies (Linux prctl)."""
    os.setsid()
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _stop_group(pid: int) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(pid, 0)
            except ProcessLookupError:
                return
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.1)


def _psql(statement: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def _database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=5) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


def _database_url(name: str) -> str:
    return urlunsplit(urlsplit(POSTGRES)._replace(path="/" + name))


def wait_for(check, *, timeout: float, interval: float = 0.2, what: str = "the condition"):
    """Polls `check()` until it returns something truthy (which it returns) or the deadline
    passes (AssertionError naming `what` and the last value or error seen)."""
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        try:
            value = check()
        except (httpx.HTTPError, OSError) as e:
            value, last = None, e
        else:
            if value:
                return value
            last = value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} did not happen within {timeout}s (last: {last!r})")
        time.sleep(interval)


@dataclass
class Site:
    """A name in the lab: https://<name> on <address>:443, proxied to 127.0.0.1:<port>."""

    name: str
    address: str
    port: int

    @property
    def url(self) -> str:
        return f"https://{self.name}"


@dataclass
class Logged:
    """One request in nginx's access log."""

    method: str
    path: str
    status: int
    at: float
    agent: str


@dataclass
class HashchatServer:
    site: Site
    data_dir: Path
    env: dict
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return self.site.url

    @property
    def domain(self) -> str:
        return self.site.name

    def shell(self, code: str) -> str:
        """Runs Python in `hashchat manage shell` against this server's data; its stdout."""
        done = subprocess.run(
            [sys.executable, "-m", "hashchat.cli", "manage", "shell", "-c", code],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"hashchat shell on {self.domain} failed:\n{done.stderr}")
        return done.stdout

    def log(self) -> str:
        return (self.data_dir / "server.log").read_text(errors="replace")


@dataclass
class TakaheServer:
    site: Site
    token: str
    acct: str

    @property
    def url(self) -> str:
        return self.site.url

    @property
    def domain(self) -> str:
        return self.site.name


@dataclass
class Lab:
    sites: dict[str, Site]
    env: dict[str, str]  # SSL_CERT_FILE, REQUESTS_CA_BUNDLE: the lab's CA bundle
    dir: Path = LAB_DIR
    _lock: object = None
    _stops: list = field(default_factory=list)

    # -- the names, the CA and nginx ------------------------------------------------------------

    @classmethod
    def up(cls, addresses: dict[str, str]) -> "Lab":
        if os.geteuid() != 0:
            raise RuntimeError("The federation lab needs root (/etc/hosts, port 443).")
        LAB_DIR.mkdir(parents=True, exist_ok=True)
        # The names and addresses are the machine's: one lab at a time, whatever its directory.
        lock = open(LOCK, "w")  # noqa: SIM115 (held for the lab's lifetime)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(f"Another federation lab is running (it holds {LOCK}).")
        # Whatever an earlier run that was killed left behind goes first.
        _fedlab("down", {})
        (LAB_DIR / "measurements.txt").unlink(missing_ok=True)
        sites = {name: Site(name, address, site_port()) for name, address in addresses.items()}
        spec = " ".join(f"{s.name}={s.address}:{s.port}" for s in sites.values())
        out = _fedlab("up", {"FEDLAB_SITES": spec})
        env = dict(part.split("=", 1) for part in out.strip().splitlines()[-1].split()[1:])
        lab = cls(sites=sites, env=env, _lock=lock)
        os.environ.update(env)  # this process's clients (httpx, requests) trust the lab's CA
        return lab

    def down(self) -> None:
        """Stops everything the lab started, newest first, then nginx and the names. Safe to
        call twice; every step runs even when an earlier one fails."""
        while self._stops:
            with contextlib.suppress(Exception):
                self._stops.pop()()
        _fedlab("down", {})
        if self._lock is not None:
            self._lock.close()  # type: ignore[attr-defined]
            self._lock = None

    def requests_to(self, name: str) -> list["Logged"]:
        """The requests nginx passed to the site `name` so far, oldest first."""
        logged = []
        for line in (self.dir / "nginx-access.log").read_text(errors="replace").splitlines():
            host, method, path, status, at, agent = line.split(" ", 5)
            if host == name:
                logged.append(Logged(method, path, int(status), float(at), agent.strip('"')))
        return logged

    def note(self, what: str, value: float) -> None:
        """Keeps a measurement of the run in FEDLAB_DIR/measurements.txt (for reports)."""
        with open(self.dir / "measurements.txt", "a") as f:
            f.write(f"{what} {value:.3f}\n")

    def signed_requests_to(self, name: str) -> list[dict]:
        """The signed requests nginx passed to the site `name`, whole (fedlab.sh's `signed` log)."""
        lines = (self.dir / "nginx-signed.log").read_text(errors="replace").splitlines()
        return [r for r in map(json.loads, lines) if r["host"] == name]

    def _record(self, pid: int | Path) -> None:
        with open(self.dir / "pids", "a") as f:
            f.write(f"{pid}\n")

    # -- hashchat -------------------------------------------------------------------------------

    def hashchat(self, name: str, extra_env: dict | None = None) -> HashchatServer:
        """`hashchat serve` with a fresh data dir, serving https://<name> through nginx, with its
        in-process worker, trusting the lab's CA and allowed to reach the lab's names. Its
        database: SQLite in the data dir, or with FEDLAB_HASHCHAT_POSTGRES=1 a fresh PostgreSQL
        database of its own (hc_fedlab_<name>, on FEDLAB_POSTGRES's server)."""
        site = self.sites[name]
        data_dir = self.dir / name
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        env = {**os.environ, **self.env}
        for inherited in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"):
            env.pop(inherited, None)  # each server: its own database and in-memory hub
        if os.environ.get("FEDLAB_HASHCHAT_POSTGRES") == "1":
            database = "hc_fedlab_" + name.replace(".", "_").replace("-", "_")
            _psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            _psql(f'CREATE DATABASE "{database}"')
            env["DATABASE_URL"] = _database_url(database)
            self._stops.append(lambda: _psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        env.update(
            {
                "HASHCHAT_DATA_DIR": str(data_dir),
                "HASHCHAT_SECRET_KEY": f"fedlab-{name}",
                "HASHCHAT_BASE_URL": site.url,
                FEDERATION_ENV_NAME: ",".join(self.sites),
                **(extra_env or {}),
            }
        )
        log = open(data_dir / "server.log", "ab")  # noqa: SIM115 (the child keeps it)
        command = [sys.executable, "-m", "hashchat.cli", "serve", "--port", str(site.port)]
        process = subprocess.Popen(
            [*command, "--log-level", "warning"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        log.close()
        self._record(process.pid)

        def stop() -> None:
            _stop_group(process.pid)
            process.wait(timeout=5)

        self._stops.append(stop)
        server = HashchatServer(site=site, data_dir=data_dir, env=env, process=process)

        def answers():
            if process.poll() is not None:
                raise RuntimeError(f"hashchat on {name} exited:\n{server.log()[-3000:]}")
            return httpx.get(f"{site.url}/api/v1/instance", timeout=5).status_code == 200

        wait_for(answers, timeout=90, what=f"hashchat answering at {site.url}")
        return server

    # -- Takahē ---------------------------------------------------------------------------------

    def takahe(self, name: str) -> TakaheServer:
        """Takahē 0.11 behind https://<name>: installed once into FEDLAB_TAKAHE_DIR by the peers'
        setup.sh, then started for each run on a fresh copy of a migrated template database."""
        setup = PEERS / "takahe" / "setup.sh"
        if not setup.exists():
            raise RuntimeError(f"Takahē's setup is not at {setup} (set FEDLAB_PEERS).")
        site = self.sites[name]
        template = f"{TAKAHE_TEMPLATE}_{name.replace('.', '_').replace('-', '_')}"
        if not _database_exists(template):
            # First run: install, migrate and make the identity into the template.
            _psql(f'CREATE DATABASE "{template}"')
            try:
                self._run_takahe_setup(site, _database_url(template))
            except Exception:
                _psql(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
                raise
            finally:
                self._stop_takahe()
        _psql(f'DROP DATABASE IF EXISTS "{TAKAHE_DB}" WITH (FORCE)')
        _psql(f'CREATE DATABASE "{TAKAHE_DB}" TEMPLATE "{template}"')
        self._stops.append(lambda: _psql(f'DROP DATABASE IF EXISTS "{TAKAHE_DB}" WITH (FORCE)'))
        self._stops.append(self._stop_takahe)
        values = self._run_takahe_setup(site, _database_url(TAKAHE_DB))
        server = TakaheServer(site=site, token=values["TAKAHE_TOKEN"], acct=values["TAKAHE_ACCT"])
        wait_for(
            lambda: httpx.get(f"{site.url}/api/v1/instance", timeout=5).status_code == 200,
            timeout=60,
            what=f"Takahē answering at {site.url}",
        )
        return server

    def _run_takahe_setup(self, site: Site, database_url: str) -> dict[str, str]:
        env = {
            **os.environ,
            **self.env,
            "TAKAHE_DIR": str(TAKAHE_DIR),
            "TAKAHE_DOMAIN": site.name,
            "TAKAHE_PORT": str(site.port),
            "TAKAHE_DB": database_url,
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        log = self.dir / f"takahe-setup-{site.name}.log"
        # setup.sh lists what it starts (gunicorn, the worker) in its own pid file: `fedlab.sh
        # down` reads it from there, even if this run dies while setup.sh is at work.
        self._record(TAKAHE_DIR / "run" / "pids")
        with open(log, "w") as out:
            done = subprocess.run(
                ["bash", str(PEERS / "takahe" / "setup.sh")],
                env=env,
                stdout=subprocess.PIPE,
                stderr=out,
                text=True,
                timeout=1800,  # the first run builds Takahē's venv
                preexec_fn=_die_with_parent,
            )
        if done.returncode != 0:
            raise RuntimeError(f"Takahē's setup failed; see {log}:\n{done.stdout[-2000:]}")
        return dict(
            line.split("=", 1) for line in done.stdout.splitlines() if line.startswith("TAKAHE_")
        )

    def _stop_takahe(self) -> None:
        subprocess.run(
            ["bash", str(PEERS / "takahe" / "stop.sh")],
            env={**os.environ, "TAKAHE_DIR": str(TAKAHE_DIR)},
            capture_output=True,
            timeout=60,
        )


def verify_with_takahe(requests: list[dict], keys: dict[str, str]) -> list[str]:
    """Takahē's own HTTP Signature verifier's verdict on each logged request ("ok" or why not);
    `keys` maps each keyId to its PEM public key."""
    done = subprocess.run(
        [
            str(TAKAHE_DIR / "venv" / "bin" / "python"),
            str(Path(__file__).with_name("takahe_verify.py")),
        ],
        input=json.dumps({"keys": keys, "requests": requests}),
        cwd=TAKAHE_DIR / "src",
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"Takahē's verifier failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def _fedlab(command: str, env: dict) -> str:
    done = subprocess.run(
        ["bash", str(FEDLAB), command],
        env={**os.environ, "FEDLAB_DIR": str(LAB_DIR), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"fedlab.sh {command} failed:\n{done.stdout}{done.stderr}")
    return done.stdout
