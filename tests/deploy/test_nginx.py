"""hashchat behind nginx with TLS, as docs/operations.md tells an operator to run it:
deploy/nginx/hashchat.conf in front of `hashchat serve` (one process, SQLite) and
of `hashchat serve --processes 2` (Redis), certificates from a local CA.

Run with `make test-deploy` (root: nginx binds port 443 on 127.0.0.20/21 and the
test names go into /etc/hosts)."""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from mastodon import Mastodon
from prometheus_client.parser import text_string_to_metric_families
from websockets.sync.client import connect

from tests.deploy.proxy import Nginx, host_names, make_ca, site_conf, tls_context
from tests.live.helpers import SSEReader, set_up_chat
from tests.server import ROOT, Server, start_server

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
METRICS_TOKEN = "deploy-metrics-token-42"
SITES = {"deploy.test": "127.0.0.20", "deploy2.test": "127.0.0.21"}
CLIENT, OTHER_CLIENT, SPOOFER = "127.0.0.22", "127.0.0.23", "127.0.0.24"

TOKEN = textwrap.dedent(
    """
    from accounts.models import User
    from mastodon_api.actions import issue_token, register_app
    app = register_app(name="deploy tests", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"],
                       scopes="read write")
    pat = User.objects.get(username="pat")
    print(issue_token(app=app, user=pat, profile=pat.personal_profile,
                      scopes=frozenset({"read", "write"})).access_token)
    """
)


@dataclass
class Site:
    name: str
    url: str
    server: Server
    nginx: Nginx
    ca: Path
    event_id: str
    token: str

    def client(self, local: str = CLIENT, **kwargs) -> httpx.Client:
        context = tls_context(self.ca)
        return httpx.Client(
            base_url=self.url,
            transport=httpx.HTTPTransport(verify=context, local_address=local),
            timeout=30,
            **kwargs,
        )

    def line_of(self, rid: str) -> dict:
        """A request's log line (written just after its answer went out)."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            for record in self.log_records():
                if record.get("request_id") == rid and record["logger"] == "hashchat.request":
                    return record
            time.sleep(0.05)
        raise AssertionError(f"no log line for request {rid}")

    def log_records(self) -> list[dict]:
        records = []
        for path in self.server.data_dir.glob("server-*.log"):
            for line in path.read_text().splitlines():
                if line.startswith("{"):
                    records.append(json.loads(line))
        return records


def require_nginx() -> None:
    missing = shutil.which("nginx") is None or os.geteuid() != 0
    if missing and os.environ.get("CI"):
        pytest.fail("tests/deploy needs nginx (apt-get install nginx-light) and root")
    if missing:
        pytest.skip("nginx or root is missing: run `make test-deploy` as root")


@pytest.fixture(scope="module")
def sites() -> Iterator[dict[str, Site]]:
    require_nginx()
    with tempfile.TemporaryDirectory(prefix="hashchat-deploy-") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "certs").mkdir()
        ca = make_ca(tmp / "certs", list(SITES))
        common = {
            "HASHCHAT_TRUSTED_PROXIES": "127.0.0.1",
            "HASHCHAT_LOG_FORMAT": "json",
            "HASHCHAT_RATE_LIMITS": "login:ip=2/300",
            "HASHCHAT_METRICS_TOKEN": METRICS_TOKEN,
            "SSL_CERT_FILE": str(ca),
            "HASHCHAT_SECRET_KEY": secrets.token_urlsafe(50),
        }
        started: list[Server] = []
        proxies: list[Nginx] = []
        found: dict[str, Site] = {}
        with host_names(SITES):
            try:
                for name, address in SITES.items():
                    data_dir = tmp / name
                    data_dir.mkdir()
                    env = {**common, "HASHCHAT_BASE_URL": f"https://{name}"}
                    args: tuple[str, ...] = ()
                    env["REDIS_URL"] = ""  # one process needs no Redis
                    if name == "deploy2.test":
                        env["REDIS_URL"] = REDIS_URL
                        args = ("--processes", "2")
                    server = start_server(data_dir=data_dir, env=env, args=args)
                    started.append(server)
                    nginx = Nginx(tmp / f"nginx-{name}")
                    proxies.append(nginx)
                    nginx.site(
                        "hashchat.conf",
                        site_conf(
                            name=name,
                            address=address,
                            certs=tmp / "certs",
                            data_dir=data_dir,
                            upstream=f"127.0.0.1:{server.port}",
                        ),
                    )
                    nginx.start()
                    nginx.wait_for(f"https://{name}/static/hashchat/icon.svg", ca)
                    event_id = set_up_chat(server)
                    token = server.hashchat("manage", "shell", "-c", TOKEN).stdout.split()[-1]
                    found[name] = Site(name, f"https://{name}", server, nginx, ca, event_id, token)
                yield found
            finally:
                for nginx in proxies:
                    nginx.stop()
                for server in started:
                    server.kill(15)


@pytest.fixture(params=list(SITES))
def site(request, sites) -> Site:
    return sites[request.param]


def test_the_documented_configuration_is_this_file():
    doc = (ROOT / "docs" / "operations.md").read_text()
    conf = (ROOT / "deploy" / "nginx" / "hashchat.conf").read_text()
    blocks = re.findall(r"```nginx\n(.*?)```", doc, re.S)
    assert conf in blocks, "docs/operations.md must show deploy/nginx/hashchat.conf as it is"


def test_pages_over_https_and_static_files_from_nginx(site):
    with site.client() as client:
        plain = httpx.get(f"http://{site.name}/chats/", follow_redirects=False)
        assert plain.status_code == 301
        assert plain.headers["Location"] == f"https://{site.name}/chats/"

        page = client.get("/")
        assert page.status_code == 200
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")
        assert re.fullmatch(r"[0-9a-f]{32}", page.headers["X-Request-ID"]), "nginx's id"
        css = re.search(r'href="(/static/hashchat/site\.css\?v=[0-9a-f]+)"', page.text)
        assert css, "pages link static files by version"

        static = client.get(css[1])
        assert static.status_code == 200
        assert static.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "X-Request-ID" not in static.headers, "nginx served it, not hashchat"
        assert "text/css" in static.headers["Content-Type"]
        script = client.get("/static/hashchat/room.js")
        assert script.headers["Cache-Control"] == "public, max-age=86400"

        login = client.get("/login/")
        assert "Secure" in login.headers["Set-Cookie"], "cookies are Secure behind TLS"


def test_both_apis_and_both_streams_through_the_proxy(site, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(site.ca))
    api = Mastodon(access_token=site.token, api_base_url=site.url, version_check_mode="none")
    assert api.account_verify_credentials()["username"] == "pat"

    with site.client() as client:
        series = client.get("/api/hashchat/v1/series")
        assert series.status_code == 200
        assert "livetest" in {s["hashtag"] for s in series.json()}

        headers = {"Authorization": f"Bearer {site.token}"}
        with client.stream(
            "GET", "/api/v1/streaming/hashtag?tag=livetest", headers=headers
        ) as response:
            assert response.status_code == 200
            assert response.headers["Content-Type"].startswith("text/event-stream")
            sse = SSEReader(response)
            sse.raw += next(sse.chunks)  # the stream has started: subscribed
            ws_url = (
                f"wss://{site.name}/api/v1/streaming?stream=hashtag&tag=livetest"
                f"&access_token={site.token}"
            )
            with connect(ws_url, ssl=tls_context(site.ca), open_timeout=20) as ws:
                # The URL's subscription is made before any message is read: an
                # answer to a message means it is in place.
                ws.send(json.dumps({"type": "subscribe", "stream": "no-such-stream"}))
                assert "error" in json.loads(ws.recv(timeout=20))

                status = api.status_post(f"Through nginx to {site.name} #livetest")

                message = json.loads(ws.recv(timeout=20))
                assert message["event"] == "update"
                assert json.loads(message["payload"])["id"] == str(status["id"])
            event = sse.events(1)[0]
            assert event["event"] == "update"
            assert json.loads(event["data"])["id"] == str(status["id"])


def test_request_bodies_above_hashchats_limit_stop_at_nginx(site):
    with site.client() as client:
        too_big = client.post(
            "/api/v1/statuses",
            content=b"x" * (11 * 1024 * 1024),
            headers={"Authorization": f"Bearer {site.token}"},
        )
        assert too_big.status_code == 413
        assert "X-Request-ID" not in too_big.headers, "hashchat never saw it"


def log_in(client: httpx.Client, username: str, password: str, headers: dict | None = None) -> int:
    client.get("/login/")
    answer = client.post(
        "/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
        headers={"Referer": f"{client.base_url}/login/", **(headers or {})},
    )
    return answer.status_code


def failed_login(client: httpx.Client, username: str, headers: dict | None = None) -> int:
    return log_in(client, username, "not-the-Pa55word", headers)


def test_rate_limits_and_logs_see_the_real_address(site):
    # login:ip allows 2 attempts per address. Every refusal reads the same (a login
    # limit is not told apart from a wrong password), so the third attempt from one
    # client, with the right password, is refused; another client logs in.
    with site.client(CLIENT) as client:
        assert [failed_login(client, "nobody-a") for _ in range(2)] == [422, 422]
        assert log_in(client, "pat", "pat-secret-pw") == 422
    with site.client(OTHER_CLIENT) as other:
        assert log_in(other, "pat", "pat-secret-pw") == 302
    # A client naming another address in X-Forwarded-For gains nothing from it.
    with site.client(SPOOFER) as spoofer:
        codes = [
            failed_login(spoofer, "nobody-c", {"X-Forwarded-For": f"10.9.8.{n}"}) for n in range(2)
        ]
        forged = {"X-Forwarded-For": "10.9.8.9"}
        assert codes + [log_in(spoofer, "pat", "pat-secret-pw", forged)] == [422, 422, 422]
    # Nor does one that skips the proxy: hashchat trusts forwarding from 127.0.0.1 only.
    with httpx.Client(transport=httpx.HTTPTransport(local_address=CLIENT)) as bypass:
        direct = bypass.get(
            f"http://127.0.0.1:{site.server.port}/api/v1/instance",
            headers={"X-Forwarded-For": "10.9.9.9"},
        )
    assert direct.status_code == 200
    # The last request's line is written just after its answer: once it is there,
    # so are all the others'.
    assert site.line_of(direct.headers["X-Request-ID"])["client"] == CLIENT

    logins = [r for r in site.log_records() if r.get("path") == "/login/"]
    seen = {r["client"] for r in logins}
    assert {CLIENT, OTHER_CLIENT, SPOOFER} <= seen
    assert not any(address.startswith("10.9.") for address in seen)
    assert "127.0.0.1" not in seen, "the proxy's own address is never the client's"
    lines = [r for r in site.log_records() if r.get("path") == "/api/v1/instance"]
    assert any(r["client"] == CLIENT for r in lines)
    assert not any(r["client"] == "10.9.9.9" for r in lines)


def test_metrics_through_the_proxy_need_the_token_and_add_up_processes(site, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(site.ca))
    with site.client() as client:
        assert client.get("/metrics").status_code == 403, "the real address is not allowed"
        bearer = {"Authorization": f"Bearer {METRICS_TOKEN}"}

        def posts_created() -> float:
            text = client.get("/metrics", headers=bearer).text
            for family in text_string_to_metric_families(text):
                if family.name == "hashchat_posts_created":
                    return sum(s.value for s in family.samples if s.name.endswith("_total"))
            raise AssertionError("no hashchat_posts_created in /metrics")

        before = posts_created()
        for n in range(6):
            # A new connection each time: with two processes, both take some.
            api = Mastodon(access_token=site.token, api_base_url=site.url)
            api.session.headers["Connection"] = "close"
            api.status_post(f"Counted {n} #livetest")
        # Whichever process answers, the figure is the instance's.
        assert posts_created() - before == 6
        assert posts_created() - before == 6


def test_hashchat_check_finds_the_installation_ready(site):
    """`hashchat check` with the server's own environment: settings, database,
    Redis (the two-process site), the public address and its certificate, the
    worker, the clock and the disk are all fine."""

    def check(env: dict) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "hashchat.cli", "check"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    ready = check(site.server.env)
    assert ready.returncode == 0, ready.stdout + ready.stderr
    assert "Ready for a chat." in ready.stdout
    assert f"https://{site.name} answers; certificate valid" in ready.stdout
    if site.name == "deploy2.test":
        assert "ok       redis: answers" in ready.stdout

    # Without the local CA the certificate cannot be verified: a problem, with the fix.
    untrusted = check({k: v for k, v in site.server.env.items() if k != "SSL_CERT_FILE"})
    assert untrusted.returncode == 1
    assert "the certificate does not verify" in untrusted.stdout
    assert "what to do: Install a certificate" in untrusted.stdout
