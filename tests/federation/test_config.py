"""Federation is on only for a public https base URL; off, nothing ever leaves."""

import socket

import pytest
from django.test import Client

from accounts import actions as account_actions
from core.publicurl import is_federating_url
from federation import delivery, http
from federation.models import Delivery
from posts import actions as post_actions


@pytest.mark.parametrize(
    "url, on",
    [
        ("https://chat-a.test", True),
        ("https://chat.example.org:8443", True),
        ("http://chat.example.org", False),
        ("https://localhost:8000", False),
        ("https://app.localhost", False),
        ("https://127.0.0.1", False),
        ("https://[::1]", False),
        ("http://127.0.0.1:8000", False),
    ],
)
def test_it_federates_only_from_a_public_https_url(url, on):
    assert is_federating_url(url) is on


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to resolve or connect fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a server with federation off made an outgoing request")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(http, "make_transport", refuse)


def test_a_local_only_server_makes_no_outgoing_request(
    settings, no_network, hana, pat, django_capture_on_commit_callbacks
):
    settings.BASE_URL = "http://127.0.0.1:8000"
    remote = account_actions.Profile.objects.create(
        handle="alice@takahe.test",
        domain="takahe.test",
        uri="https://takahe.test/@alice@takahe.test/",
        inbox_url="https://takahe.test/@alice@takahe.test/inbox/",
    )
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.follow(user=pat.user, profile=pat.profile, target=remote)
        post = post_actions.create_post(user=hana.user, profile=hana.profile, text="Hi #libchat")
        post_actions.like(user=pat.user, profile=pat.profile, post=post)
        post_actions.edit_post(user=hana.user, post=post, text="Hello #libchat")
        post_actions.delete_post(user=hana.user, post=post)
    assert Delivery.objects.count() == 0
    assert delivery.run_due() == 0
    with pytest.raises(http.FederationOff):
        http.fetch_json("https://takahe.test/@alice@takahe.test/")
    client = Client()
    assert client.get("/.well-known/webfinger?resource=acct:hana@127.0.0.1:8000").status_code == 404
    assert (
        client.post("/inbox", data=b"{}", content_type="application/activity+json").status_code
        == 404
    )
    # The pages stay as they were, whatever the Accept header.
    page = client.get("/@hana", headers={"Accept": "application/activity+json"})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/users/x",
        "https://10.1.2.3/inbox",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/inbox",
        "https://[fe80::1]/inbox",
        "https://192.168.0.10/",
        "https://[::ffff:127.0.0.1]/",
        "http://chat.example.org/inbox",
        "file:///etc/passwd",
    ],
)
def test_it_refuses_private_addresses_and_plain_http(federation_on, url):
    with pytest.raises(http.FetchError):
        http.check_url(url)


def test_a_name_that_resolves_to_loopback_is_refused(federation_on, monkeypatch):
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, 1, 6, "", ("127.0.0.5", 443))]
    )
    with pytest.raises(http.FetchError, match="not a public address"):
        http.check_url("https://sneaky.example.org/inbox")


def test_allowed_hosts_may_be_loopback(federation_on, monkeypatch):
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, 1, 6, "", ("127.0.0.4", 443))]
    )
    http.check_url("https://chat-b.test/inbox")
