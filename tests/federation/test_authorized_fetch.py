"""Signed GETs both ways: hashchat signs its fetches (tests/federation/test_outbox.py
and the chat-b stand-in assert it), and with authorized fetch on it answers only
signed ones, giving unsigned requests a profile's key and inbox and nothing more."""

import pytest
from django.test import Client

from federation.models import DomainBlock
from posts import actions as post_actions
from tests.federation.conftest import signed_get

AP = {"Accept": "application/activity+json"}


@pytest.fixture
def authorized_fetch(chat_b, settings):
    settings.FEDERATION = {**settings.FEDERATION, "AUTHORIZED_FETCH": True}
    return chat_b


def test_unsigned_requests_get_only_the_key(authorized_fetch, hana):
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="Q1 #libchat")
    actor = Client().get("/@hana", headers=AP).json()
    assert set(actor) == {
        "@context",
        "id",
        "type",
        "preferredUsername",
        "inbox",
        "endpoints",
        "publicKey",
    }
    for path in [f"/@hana/{post.id}", "/@hana/outbox", "/@hana/followers", "/@hana/featured"]:
        answer = Client().get(path, headers=AP)
        assert answer.status_code == 401, path
        assert "error" in answer.json()
    # Browsers still get the pages.
    assert Client().get(f"/@hana/{post.id}").status_code == 200


def test_signed_requests_get_everything(authorized_fetch, hana):
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="Q1 #libchat")
    note = signed_get(f"/@hana/{post.id}")
    assert note.status_code == 200 and note.json()["type"] == "Note"
    assert "outbox" in signed_get("/@hana").json()
    assert signed_get("/@hana/outbox").json()["totalItems"] == 1


def test_a_blocked_domain_cannot_fetch(authorized_fetch, hana):
    DomainBlock.objects.create(domain="chat-b.test")
    assert signed_get("/@hana").status_code == 403
    assert authorized_fetch.requests == []


def test_without_authorized_fetch_unsigned_gets_are_answered(chat_b, hana):
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="Q1")
    assert Client().get(f"/@hana/{post.id}", headers=AP).status_code == 200
    assert "outbox" in Client().get("/@hana", headers=AP).json()
