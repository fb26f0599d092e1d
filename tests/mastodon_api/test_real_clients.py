"""Real Mastodon clients (Mastodon.py and the toot command line) against a real
hashchat server on loopback: one server for the whole module."""

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from mastodon import Mastodon, StreamListener

from tests.server import running_server

ROOT = Path(__file__).resolve().parents[2]
TOOT = Path(sys.executable).parent / "toot"
OOB = "urn:ietf:wg:oauth:2.0:oob"
PASSWORD = "Correct-Horse-42"
SCOPES = ["read", "write", "follow"]

SETUP = f"""
from accounts.actions import sign_up, create_organisation
hana = sign_up(username="hana", email="hana@example.org", password="{PASSWORD}", display_name="Hana")
sign_up(username="pat", email="pat@example.org", password="{PASSWORD}", display_name="Pat")
create_organisation(user=hana, handle="NGAC", display_name="ALIA NGAC")
"""


@pytest.fixture(scope="module")
def server():
    with running_server() as server:
        server.hashchat("manage", "shell", "-c", SETUP)
        yield server


@pytest.fixture(scope="module")
def app_keys(server):
    return Mastodon.create_app(
        "hashchat tests", api_base_url=server.url, scopes=SCOPES, redirect_uris=OOB
    )


def _client(server, app_keys, username: str) -> Mastodon:
    client_id, client_secret = app_keys
    m = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=server.url)
    # Loopback is plain http: Mastodon.py wants allow_http for OAuth there.
    m.log_in(username=username, password=PASSWORD, scopes=SCOPES, allow_http=True)
    return m


def test_mastodon_py_posts_replies_pages_likes_reposts_and_follows(server, app_keys):
    hana = _client(server, app_keys, "hana")
    pat = _client(server, app_keys, "pat@example.org")
    assert hana.account_verify_credentials()["username"] == "hana"

    q1 = hana.status_post("Q1 What makes good customer service? #AusLibChat")
    assert q1["tags"][0]["name"] == "auslibchat"
    answers = [pat.status_reply(q1, f"A1 part {i} #AusLibChat") for i in range(3)]
    assert answers[0]["in_reply_to_id"] == q1["id"]
    assert answers[0]["content"].count("@") >= 1  # status_reply mentions the author

    first = hana.timeline_hashtag("auslibchat", limit=2)
    assert [s["id"] for s in first] == [answers[2]["id"], answers[1]["id"]]
    second = hana.fetch_next(first)
    assert [s["id"] for s in second] == [answers[0]["id"], q1["id"]]
    assert hana.fetch_next(second) in (None, [])

    liked = pat.status_favourite(q1)
    assert liked["favourited"] and liked["favourites_count"] == 1
    boosted = pat.status_reblog(q1)
    assert boosted["reblog"]["id"] == q1["id"]
    context = pat.status_context(answers[0])
    assert [s["id"] for s in context["ancestors"]] == [q1["id"]]

    relationship = pat.account_follow(hana.me())
    assert relationship["following"]
    kinds = [n["type"] for n in hana.notifications()]
    assert {"follow", "reblog", "favourite", "mention"} <= set(kinds)


def test_mastodon_py_authorization_code_as_an_organisation_profile(server, app_keys):
    client_id, client_secret = app_keys
    m = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=server.url)
    url = m.auth_request_url(redirect_uris=OOB, scopes=SCOPES, allow_http=True)
    with httpx.Client(follow_redirects=True, timeout=10) as browser:
        page = browser.get(url)
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page.text))
        fields.update(step="login", username="hana", password=PASSWORD)
        consent = browser.post(url, data=fields)
        assert "Act as which profile?" in consent.text
        org_id = re.search(r'id="oauth-profile-(\d+)"[^>]*>\s*<label[^>]*>@NGAC', consent.text)
        assert org_id, consent.text
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', consent.text))
        fields.update(step="consent", profile=org_id.group(1), decision="allow")
        shown = browser.post(url, data=fields)
    code = re.search(r'class="oauth-code" value="([^"]+)"', shown.text).group(1)
    m.log_in(code=code, redirect_uri=OOB, scopes=SCOPES, allow_http=True)
    assert m.account_verify_credentials()["username"] == "NGAC"
    assert m.status_post("Welcome to #AusLibChat")["account"]["username"] == "NGAC"


def _toot(env, *args) -> str:
    done = subprocess.run(
        [str(TOOT), *args], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_toot_logs_in_posts_reads_the_tag_and_the_thread(server, tmp_path):
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "NO_COLOR": "1", "PAGER": "cat"}
    login = _toot(
        env,
        "login_cli",
        "--instance",
        server.url,
        "--email",
        "pat@example.org",
        "--password",
        PASSWORD,
    )
    assert "Successfully logged in" in login
    assert "@pat" in _toot(env, "whoami")
    posted = _toot(env, "post", "A2 posting from the command line #AusLibChat")
    status_id = re.search(r"(\d{6,})", posted).group(1)
    tag = _toot(env, "timelines", "tag", "auslibchat", "--no-pager", "--no-clear")
    assert "posting from the command line" in tag
    thread = _toot(env, "thread", status_id)
    assert "posting from the command line" in thread


class _Updates(StreamListener):
    def __init__(self) -> None:
        self.received: list[tuple[float, dict]] = []
        self.event = threading.Event()

    def on_update(self, status) -> None:
        self.received.append((time.monotonic(), status))
        self.event.set()


def test_mastodon_py_stream_hashtag_receives_an_update_within_a_second(server, app_keys):
    hana = _client(server, app_keys, "hana")
    listener = _Updates()
    handle = hana.stream_hashtag("streamtest", listener, run_async=True, timeout=10)
    try:
        deadline = time.monotonic() + 10
        while not handle.is_receiving() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert handle.is_receiving(), "the stream never connected"
        time.sleep(0.2)
        posted_at = time.monotonic()
        status = hana.status_post("Live now #StreamTest")
        assert listener.event.wait(5), "no update arrived"
        arrived_at, update = listener.received[0]
        assert update["id"] == status["id"]
        assert arrived_at - posted_at < 1.0
    finally:
        # Mastodon.py's close() blocks until its reader times out; the server goes anyway.
        threading.Thread(target=handle.close, daemon=True).start()


def test_mastodon_py_learns_the_posting_limits_window_from_a_429():
    """Mastodon.py reads X-RateLimit-* from every answer and, refused, waits until
    X-RateLimit-Reset: a posting 429 must carry the posting limit's numbers (its
    one-minute window), not the five-minute API limit's."""
    from mastodon import MastodonRatelimitError

    env = {"HASHCHAT_RATE_LIMITS": "post:profile=2/60,api=300/300"}
    with running_server(env=env) as limited:
        limited.hashchat("manage", "shell", "-c", SETUP)
        keys = Mastodon.create_app(
            "limits", api_base_url=limited.url, scopes=SCOPES, redirect_uris=OOB
        )
        pat = _client(limited, keys, "pat")
        pat.ratelimit_method = "throw"
        pat.status_post("one")
        pat.status_post("two")
        with pytest.raises(MastodonRatelimitError):
            pat.status_post("three")
        assert (pat.ratelimit_limit, pat.ratelimit_remaining) == (2, 0)
        # The posting window ends within its minute (the API window could be 5 away).
        assert 0 < pat.ratelimit_reset - time.time() <= 61
