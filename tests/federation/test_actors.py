"""Actors and notes: the pages of profiles and posts answer JSON-LD to ActivityPub
clients and HTML to browsers, at the same addresses."""

import pytest
from cryptography.hazmat.primitives import serialization
from django.test import Client

from federation.models import ActorKey
from posts import actions as post_actions

AP = {"Accept": "application/activity+json"}
LD = {"Accept": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'}


@pytest.mark.parametrize("accept", [AP, LD])
def test_a_profile_page_is_its_actor(federation_on, hana, accept):
    answer = Client().get("/@hana", headers=accept)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/activity+json")
    assert "Accept" in answer["Vary"]
    actor = answer.json()
    assert actor["id"] == "https://chat-a.test/@hana"
    assert actor["type"] == "Person"
    assert actor["preferredUsername"] == "hana"
    assert actor["name"] == "Hana"
    assert actor["inbox"] == "https://chat-a.test/@hana/inbox"
    assert actor["outbox"] == "https://chat-a.test/@hana/outbox"
    assert actor["followers"] == "https://chat-a.test/@hana/followers"
    assert actor["following"] == "https://chat-a.test/@hana/following"
    assert actor["featured"] == "https://chat-a.test/@hana/featured"
    assert actor["endpoints"]["sharedInbox"] == "https://chat-a.test/inbox"
    assert actor["icon"]["url"].startswith("https://chat-a.test/")
    key = actor["publicKey"]
    assert key["id"] == "https://chat-a.test/@hana#main-key"
    assert key["owner"] == actor["id"]
    loaded = serialization.load_pem_public_key(key["publicKeyPem"].encode())
    assert loaded.key_size == 2048  # type: ignore[union-attr]


def test_the_private_key_is_stored_encrypted(federation_on, hana):
    Client().get("/@hana", headers=AP)
    stored = ActorKey.objects.get(profile=hana.profile)
    assert "ENCRYPTED PRIVATE KEY" in stored.private_key_pem
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(stored.private_key_pem.encode(), password=None)


def test_an_organisation_is_an_organization(federation_on, ngac):
    assert Client().get("/@NGAC", headers=AP).json()["type"] == "Organization"


def test_browsers_still_get_the_profile_page(federation_on, hana):
    for path in ["/@hana", "/@hana/"]:
        answer = Client().get(path, headers={"Accept": "text/html"})
        assert answer.status_code == 200
        assert answer["Content-Type"].startswith("text/html")


def test_a_post_is_a_note_at_its_page(federation_on, hana, pat):
    parent = post_actions.create_post(user=hana.user, profile=hana.profile, text="Q1 #libchat")
    post = post_actions.create_post(
        user=pat.user, profile=pat.profile, text="@hana A1 welcoming #libchat", in_reply_to=parent
    )
    note = Client().get(f"/@pat/{post.id}", headers=AP).json()
    assert note["id"] == f"https://chat-a.test/@pat/{post.id}"
    assert note["type"] == "Note"
    assert note["attributedTo"] == "https://chat-a.test/@pat"
    assert note["inReplyTo"] == f"https://chat-a.test/@hana/{parent.id}"
    assert note["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert "https://chat-a.test/@pat/followers" in note["cc"]
    assert "https://chat-a.test/@hana" in note["cc"]
    assert {
        "type": "Hashtag",
        "href": "https://chat-a.test/tags/libchat/",
        "name": "#libchat",
    } in note["tag"]
    assert {
        "type": "Mention",
        "href": "https://chat-a.test/@hana",
        "name": "@hana@chat-a.test",
    } in note["tag"]
    assert 'href="https://chat-a.test/tags/libchat"' in note["content"]
    assert note["sensitive"] is False and note["published"].endswith("Z")


def test_a_deleted_post_is_a_tombstone(federation_on, hana):
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="oops")
    post_actions.delete_post(user=hana.user, post=post)
    answer = Client().get(f"/@hana/{post.id}", headers=AP)
    assert answer.status_code == 410
    assert answer.json()["type"] == "Tombstone"


def test_a_note_under_another_handle_is_not_found(federation_on, hana, pat):
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="mine")
    assert Client().get(f"/@pat/{post.id}", headers=AP).status_code == 404
    assert Client().get(f"/@pat/{post.id}").status_code == 404


def test_the_mastodon_api_urls_of_a_status_are_pages(hana, settings):
    """Issue 15.6: /@handle/ID (with and without a slash) is the post's page."""
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="Hello #libchat")
    client = Client()
    for path in [
        f"/@hana/{post.id}",
        f"/@hana/{post.id}/",
        f"/@HANA/{post.id}",
        f"/posts/{post.id}/",
    ]:
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert "Hello" in answer.content.decode()
    assert client.get("/@hana/99999999999999999999").status_code == 404


def test_the_outbox_pages_creates(federation_on, hana):
    for n in range(3):
        post_actions.create_post(user=hana.user, profile=hana.profile, text=f"post {n}")
    client = Client()
    outbox = client.get("/@hana/outbox", headers=AP).json()
    assert outbox["type"] == "OrderedCollection" and outbox["totalItems"] == 3
    page = client.get(outbox["first"], headers=AP).json()
    assert page["type"] == "OrderedCollectionPage"
    assert [item["type"] for item in page["orderedItems"]] == ["Create"] * 3
    assert page["orderedItems"][0]["object"]["content"] == "<p>post 2</p>"
    assert client.get("/@hana/outbox?page=0", headers=AP).status_code == 404


def test_followers_and_following_are_collections(federation_on, hana, pat):
    from accounts import actions as account_actions

    account_actions.follow(user=pat.user, profile=pat.profile, target=hana.profile)
    client = Client()
    followers = client.get("/@hana/followers", headers=AP).json()
    assert followers["totalItems"] == 1
    page = client.get("/@hana/followers?page=1", headers=AP).json()
    assert page["orderedItems"] == ["https://chat-a.test/@pat"]
    following = client.get("/@pat/following?page=1", headers=AP).json()
    assert following["orderedItems"] == ["https://chat-a.test/@hana"]
    assert client.get("/@hana/featured", headers=AP).json()["totalItems"] == 0
