"""The lab itself: every server answers under its own name, over TLS from the lab's CA."""

import socket
import ssl

import certifi
import httpx
import pytest

from tests.federation.journeys.conftest import ADDRESSES


def test_names_resolve_to_their_own_loopback_addresses(lab):
    for name, address in ADDRESSES.items():
        assert socket.gethostbyname(name) == address


def test_hashchat_answers_over_https_under_its_name(chat_a, chat_b):
    for server in (chat_a, chat_b):
        instance = httpx.get(f"{server.url}/api/v1/instance", timeout=10).json()
        assert instance["uri"] == server.domain
        # Without the lab's CA the certificate is refused: the TLS is real.
        public_only = ssl.create_default_context(cafile=certifi.where())
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{server.url}/api/v1/instance", verify=public_only, timeout=10)


def test_takahe_answers_over_https_under_its_name(takahe):
    instance = httpx.get(f"{takahe.url}/api/v1/instance", timeout=10).json()
    assert instance["uri"] == takahe.domain
    finger = httpx.get(
        f"{takahe.url}/.well-known/webfinger",
        params={"resource": f"acct:{takahe.acct}"},
        timeout=10,
    )
    assert finger.status_code == 200, finger.text
    assert finger.json()["subject"] == f"acct:{takahe.acct}"
