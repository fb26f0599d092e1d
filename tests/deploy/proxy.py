"""The pieces of a real deployment on this machine: a local certificate authority
made with openssl, names in /etc/hosts, and an nginx of our own (its own prefix,
pid file and configuration; never the system's nginx or its default site) running
deploy/nginx/hashchat.conf with the site's values put in, as an operator would.

Addresses and names are this suite's own (127.0.0.20-127.0.0.29, *.deploy.test),
so that other nginx instances on this machine are left alone."""

import contextlib
import os
import shutil
import signal
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.server import ROOT

CONF = ROOT / "deploy" / "nginx" / "hashchat.conf"
HOSTS = Path("/etc/hosts")
MARK = "# hashchat tests/deploy"


def make_ca(directory: Path, names: list[str]) -> Path:
    """A CA and a certificate for `names` signed by it; returns the CA's file."""

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)

    openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "90",
        "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=hashchat deploy test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "privkey.pem",
        "-out", "site.csr", "-subj", f"/CN={names[0]}",
    )  # fmt: skip
    (directory / "site.ext").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectAltName=" + ",".join(f"DNS:{name}" for name in names) + "\n"
    )
    openssl(
        "x509", "-req", "-in", "site.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "90", "-extfile", "site.ext", "-out", "fullchain.pem",
    )  # fmt: skip
    return directory / "ca.pem"


def tls_context(ca: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca))


@contextlib.contextmanager
def host_names(entries: dict[str, str]) -> Iterator[None]:
    """Lines in /etc/hosts, marked as ours; only those lines are removed after."""
    lines = [f"{address} {name} {MARK}\n" for name, address in entries.items()]
    _remove_ours()
    with HOSTS.open("a") as f:
        f.writelines(lines)
    try:
        yield
    finally:
        _remove_ours()


def _remove_ours() -> None:
    kept = [line for line in HOSTS.read_text().splitlines(True) if MARK not in line]
    # Rewritten in place (the file may be bind-mounted): others' lines stay as they are.
    with HOSTS.open("r+") as f:
        f.seek(0)
        f.writelines(kept)
        f.truncate()


def site_conf(*, name: str, address: str, certs: Path, data_dir: Path, upstream: str) -> str:
    """deploy/nginx/hashchat.conf with this site's values, exactly the ones the file
    tells an operator to change."""
    text = CONF.read_text()
    values = {
        "chats.example.org": name,
        "/etc/ssl/hashchat/": f"{certs}/",
        "/srv/hashchat/static/": f"{ROOT}/static/",
        "/srv/hashchat/var/": f"{data_dir}/",
        "127.0.0.1:8000": upstream,
        "listen 443 ": f"listen {address}:443 ",
        "listen 80;": f"listen {address}:80;",
    }
    for placeholder, value in values.items():
        assert placeholder in text, f"{CONF} no longer has {placeholder!r}"
        text = text.replace(placeholder, value)
    return text


MAIN = """\
{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/sites/*.conf;
}}
"""


class Nginx:
    """An nginx of this test run's own, in `prefix`; sites are added with `site()`."""

    def __init__(self, prefix: Path) -> None:
        self.prefix = prefix
        (prefix / "sites").mkdir(parents=True, exist_ok=True)
        user = "user root;" if os.geteuid() == 0 else ""
        (prefix / "nginx.conf").write_text(MAIN.format(prefix=prefix, user=user))
        self.process: subprocess.Popen | None = None

    def command(self, *args: str) -> list[str]:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        return [nginx, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf"), *args]

    def site(self, filename: str, text: str) -> None:
        (self.prefix / "sites" / filename).write_text(text)
        if self.process is not None:
            self.check()
            self.process.send_signal(signal.SIGHUP)  # reload: the new site's workers start

    def check(self) -> None:
        done = subprocess.run(self.command("-t"), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    def start(self) -> None:
        self.check()
        self.process = subprocess.Popen(
            self.command("-g", "daemon off;"),
            stdout=subprocess.DEVNULL,
            stderr=open(self.prefix / "stderr.log", "ab"),  # noqa: SIM115
        )

    def wait_for(self, url: str, ca: Path) -> None:
        for _ in range(200):
            assert self.process is not None and self.process.poll() is None, self.errors()
            try:
                httpx.get(url, verify=tls_context(ca), timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise AssertionError(f"nginx does not answer at {url}: {self.errors()}")

    def errors(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # Fast shutdown: open streams would hold a graceful one (SIGQUIT) for hours.
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
