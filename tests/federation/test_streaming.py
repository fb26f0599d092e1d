"""Gathering through the public streaming API: two real hashchat servers (`hashchat serve`
processes) stand for the watched servers, reached as https://chat-b.test and
https://chat-c.test through a proxying transport (what the federation lab's nginx does).
chat-b.test streams its public hashtag timeline; chat-c.test asks a token for streaming
(HASHCHAT_STREAMING_REQUIRES_TOKEN), so it refuses and is polled instead.

The chat here is live at the real time (the watched servers' posts carry theirs), and the
stream is read by the worker's reader thread, so these tests use a transactional database."""

import signal
import time
from collections.abc import Callable
from datetime import time as clock_time
from datetime import timedelta

import httpx
import pytest
from django.test import Client
from django.utils import timezone

from chats import actions as chat_actions
from chats import scheduler
from chats.models import ChatPost
from federation import http
from gathering import streaming, watching
from gathering.models import WatchedServer
from posts.models import Post
from tests.server import Server, start_server

TAG = "streamchat"
PASSWORD = "Correct-Horse-Streams-42"
WITHIN = 30.0

SIGN_UP = """
from accounts import actions
from mastodon_api.actions import issue_token, register_app
user = actions.sign_up(username="robin", email="robin@example.org", password="{password}",
                       display_name="Robin")
app = register_app(name="streaming tests", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"],
                   scopes="read write")
print(issue_token(app=app, user=user, profile=user.personal_profile,
                  scopes={{"read", "write"}}).access_token)
"""


class Proxy(httpx.HTTPTransport):
    """https://<name>/... to the plain-HTTP server behind <name> on 127.0.0.1, with Host and
    X-Forwarded-Proto: https, as a TLS-terminating reverse proxy sends them."""

    def __init__(self, ports: dict[str, int]) -> None:
        super().__init__(retries=0)
        self.ports = ports

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        port = self.ports.get(request.url.host)
        if port is None:
            raise httpx.ConnectError(f"no route to {request.url.host}", request=request)
        request.headers["host"] = request.url.host
        request.headers["x-forwarded-proto"] = "https"
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=port)
        return super().handle_request(request)


def start(tmp_path_factory, name: str, extra: dict | None = None) -> Server:
    data_dir = tmp_path_factory.mktemp(name)
    server = start_server(
        data_dir=data_dir, env={"HASHCHAT_BASE_URL": f"https://{name}", **(extra or {})}
    )
    done = server.hashchat("manage", "shell", "-c", SIGN_UP.format(password=PASSWORD))
    server.env["ROBIN_TOKEN"] = done.stdout.strip().splitlines()[-1]
    return server


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    b = start(tmp_path_factory, "chat-b.test")
    c = start(tmp_path_factory, "chat-c.test", {"HASHCHAT_STREAMING_REQUIRES_TOKEN": "1"})
    yield {"chat-b.test": b, "chat-c.test": c}
    for server in (b, c):
        server.kill(signal.SIGTERM)


@pytest.fixture
def proxied(servers, transactional_db, settings, monkeypatch):
    settings.BASE_URL = "https://chat-a.test"
    settings.FEDERATION = {**settings.FEDERATION, "ALLOWED_HOSTS": list(servers)}
    ports = {name: server.port for name, server in servers.items()}
    monkeypatch.setattr(http, "make_transport", lambda: Proxy(ports))
    yield servers
    streaming.stop_all()


@pytest.fixture
def live(transactional_db, hana, ngac):
    series = chat_actions.create_series(
        user=hana.user,
        organiser=ngac,
        hashtag=TAG,
        title="Streamed chat",
        timezone="UTC",
        rrule="FREQ=WEEKLY",
        start_time=clock_time(3, 0),
    )
    event = chat_actions.create_event(
        user=hana.user,
        series=series,
        starts_at=timezone.now() - timedelta(seconds=30),
        topic="Streams",
        questions=[
            {"kind": "question", "text": "What do you read on the train?", "offset": 0},
            {"kind": "question", "text": "And on holiday?", "offset": 30},
        ],
    )
    scheduler.run_due()
    return event


def post_on(server: Server, name: str, text: str) -> str:
    """Robin posts `text` through the server's Mastodon API; its ActivityPub id."""
    token_value = server.env["ROBIN_TOKEN"]
    with httpx.Client(transport=Proxy({name: server.port}), base_url=f"https://{name}") as web:
        answer = web.post(
            "/api/v1/statuses",
            data={"status": text},
            headers={"authorization": f"Bearer {token_value}"},
        )
    assert answer.status_code == 200, answer.text
    return answer.json()["uri"]


def wait_for(check: Callable[[], object], what: str):
    deadline = time.monotonic() + WITHIN
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {WITHIN}s (last: {value!r})")
        time.sleep(0.1)


def row_of(name: str) -> WatchedServer:
    return WatchedServer.objects.get(base_url=f"https://{name}")


def event_page(hana, event) -> str:
    client = Client()
    client.force_login(hana.user)
    return client.get(f"/chats/{TAG}/events/{event.id}/").content.decode()


def test_a_post_made_during_the_chat_arrives_by_the_stream_and_once(proxied, live, hana):
    watching.watch(user=hana.user, series=live.series, server="chat-b.test")
    assert streaming.sync() == 1
    wait_for(lambda: row_of("chat-b.test").streaming, "the stream opening")
    assert streaming.sync() == 0  # one reader per server
    uri = post_on(proxied["chat-b.test"], "chat-b.test", "A1 Poems, mostly #streamchat")
    post = wait_for(lambda: Post.objects.filter(uri=uri).first(), "the streamed post arriving")
    link = wait_for(lambda: ChatPost.objects.filter(post=post).first(), "the post joining")
    assert link.event_id == live.id and link.question.number == 1
    # Counted once fetch_note has returned.
    row = wait_for(lambda: row_of("chat-b.test").streamed_in and row_of("chat-b.test"), "count")
    assert (row.streamed_in, row.brought_in) == (1, 1)
    assert "streaming" in event_page(hana, live) and "stream open" in event_page(hana, live)
    # Polling goes on, slowly, to catch up: it finds the post already here.
    assert watching.poll_due() == 0
    row = row_of("chat-b.test")
    assert row.brought_in == 1 and Post.objects.filter(uri=uri).count() == 1
    assert row.next_poll_at - row.last_polled_at == timedelta(seconds=watching.CATCH_UP_SECONDS)
    # The server goes away: the stream drops, polling takes over at once, a retry waits.
    proxied["chat-b.test"].kill(signal.SIGTERM)
    dropped = wait_for(
        lambda: (
            row_of("chat-b.test").stream_state == WatchedServer.Stream.DROPPED
            and row_of("chat-b.test")
        ),
        "the stream dropping",
    )
    assert dropped.mode in ("polling", "failing") and dropped.stream_error
    assert dropped.stream_retry_at > timezone.now() and dropped.next_poll_at <= timezone.now()
    assert streaming.sync() == 0  # not before its retry time


def test_a_server_that_refuses_streaming_is_polled(proxied, live, hana):
    watching.watch(user=hana.user, series=live.series, server="https://chat-c.test/")
    assert streaming.sync() == 1
    refused = wait_for(
        lambda: (
            row_of("chat-c.test").stream_state == WatchedServer.Stream.REFUSED
            and row_of("chat-c.test")
        ),
        "the refusal",
    )
    assert refused.mode == "polling" and refused.stream_error == "refused streaming (HTTP 401)"
    assert refused.stream_retry_at >= timezone.now() + timedelta(minutes=29)
    assert streaming.sync() == 0
    uri = post_on(proxied["chat-c.test"], "chat-c.test", "A1 Travel guides #streamchat")
    assert watching.poll_due() == 1
    post = Post.objects.get(uri=uri)
    assert ChatPost.objects.get(post=post).question.number == 1
    row = row_of("chat-c.test")
    assert (row.streamed_in, row.brought_in, row.failures) == (0, 1, 0)
    assert row.next_poll_at - row.last_polled_at == timedelta(seconds=watching.POLL_SECONDS)
    page = event_page(hana, live)
    assert "polling" in page and "refused streaming (HTTP 401)" in page
