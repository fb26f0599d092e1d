"""Federation unit tests: this server is https://chat-a.test; a fake remote server,
https://chat-b.test, answers this server's requests through the outgoing client's
transport (the edge, never the database) and signs what it sends with the test key
of draft-cavage (tests.federation.test_signatures)."""

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import pytest
from django.core.management import call_command
from django.test import Client

from federation import http, inbox_queue, signatures
from mastodon_api import actions as api_actions
from tests.federation.test_signatures import TEST_PUBLIC_KEY, private_key
from tests.mastodon_api.conftest import ApiClient, make_token

HERE = "https://chat-a.test"
THERE = "https://chat-b.test"
AS_JSON = "application/activity+json"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The per-domain rate limit counts in the database cache table.
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture
def app(db):
    return api_actions.register_app(
        name="Test app", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read write follow"
    )


@pytest.fixture
def as_hana(app, hana):
    """A Mastodon API client with a token acting as Hana."""
    return ApiClient(make_token(app, hana))


@pytest.fixture
def federation_on(settings):
    settings.BASE_URL = HERE
    settings.FEDERATION = {**settings.FEDERATION, "ALLOWED_HOSTS": ["chat-b.test"]}
    return settings


@dataclass
class Sent:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class RemoteServer:
    """chat-b.test: serves its actors and notes, takes deliveries into `received`."""

    objects: dict[str, dict] = field(default_factory=dict)
    received: list[Sent] = field(default_factory=list)
    requests: list[Sent] = field(default_factory=list)
    inbox_status: int = 202
    # When set, every GET is answered with this status (a server that is down).
    get_status: int | None = None

    def actor(self, username: str = "pat", **extra) -> dict:
        uri = f"{THERE}/users/{username}"
        data = {
            "@context": ["https://www.w3.org/ns/activitystreams"],
            "id": uri,
            "type": "Person",
            "preferredUsername": username,
            "name": username.title(),
            "summary": "<p>Librarian in <b>Sydney</b></p>",
            "url": f"{THERE}/@{username}",
            "inbox": f"{uri}/inbox",
            "outbox": f"{uri}/outbox",
            "followers": f"{uri}/followers",
            "endpoints": {"sharedInbox": f"{THERE}/inbox"},
            "publicKey": {
                "id": f"{uri}#main-key",
                "owner": uri,
                "publicKeyPem": TEST_PUBLIC_KEY.decode(),
            },
            **extra,
        }
        self.objects[uri] = data
        return data

    def note(self, number: int, content: str, *, author: str = "pat", **extra) -> dict:
        uri = f"{THERE}/users/{author}/statuses/{number}"
        data = {
            "id": uri,
            "type": "Note",
            "attributedTo": f"{THERE}/users/{author}",
            "content": content,
            "published": "2026-11-29T10:00:00Z",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [f"{THERE}/users/{author}/followers"],
            "url": f"{THERE}/@{author}/{number}",
            **extra,
        }
        self.objects[uri] = data
        return data

    def handler(self, request: httpx.Request) -> httpx.Response:
        sent = Sent(request.method, str(request.url), dict(request.headers), request.content)
        self.requests.append(sent)
        if not request.url.path.startswith("/api/"):
            # ActivityPub requests are signed (Mastodon API reads, gathering's, are not).
            assert "signature" in request.headers, "every outgoing request is signed"
        if request.method == "POST":
            self.received.append(sent)
            return httpx.Response(self.inbox_status)
        if self.get_status is not None:
            return httpx.Response(self.get_status)
        found = self.objects.get(str(request.url))
        if found is None:
            return httpx.Response(404, json={"error": "not found"})
        return httpx.Response(200, json=found, headers={"content-type": AS_JSON})


@pytest.fixture
def chat_b(monkeypatch, federation_on) -> RemoteServer:
    server = RemoteServer()
    monkeypatch.setattr(http, "make_transport", lambda: httpx.MockTransport(server.handler))
    server.actor("pat")
    return server


def signed_post(
    path: str,
    activity: dict,
    *,
    key_id: str = f"{THERE}/users/pat#main-key",
    now: datetime | None = None,
    body: bytes | None = None,
    tamper: dict | None = None,
    process: bool = True,
):
    """POST `activity` to this server's `path`, signed by chat-b's test key. The inbox
    only stores it; then, unless `process` is False, this runs the worker's pass over
    the stored activities (federation.inbox_queue.run_due), as the worker would
    within a second of the answer."""
    raw = body if body is not None else json.dumps(activity).encode()
    headers = signatures.sign_request(
        method="POST",
        host="chat-a.test",
        target=path,
        headers={"content-type": AS_JSON},
        body=raw,
        key_id=key_id,
        private_key=private_key(),
        now=now,
    )
    headers.update(tamper or {})
    headers.pop("host")
    answer = Client().post(
        path, data=raw, content_type=AS_JSON, headers=headers, HTTP_HOST="chat-a.test"
    )
    if process:
        inbox_queue.run_due()
    return answer


def signed_get(path: str, *, key_id: str = f"{THERE}/users/pat#main-key"):
    """GET this server's `path` as ActivityPub, signed by chat-b's test key."""
    headers = signatures.sign_request(
        method="GET",
        host="chat-a.test",
        target=path,
        headers={"accept": AS_JSON},
        body=None,
        key_id=key_id,
        private_key=private_key(),
    )
    headers.pop("host")
    return Client().get(path, headers=headers, HTTP_HOST="chat-a.test")
