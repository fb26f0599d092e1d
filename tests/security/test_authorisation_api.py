"""Tokens act only within their rights: a token of Olly cannot touch Pat's post; a
token issued for one profile cannot act as another profile of the same login; a
manager removed from an organisation loses access at once; the own API refuses
outsiders and read-only tokens. The pages' side is in test_authorisation.py."""

import json

import pytest
from django.test import Client

from accounts import actions as account_actions
from accounts.models import Membership
from chats.models import Series
from mastodon_api import actions as oauth
from posts.models import Post
from tests.mastodon_api.conftest import make_token
from tests.security.snapshots import snapshot_chat, snapshot_post

# The Mastodon API -------------------------------------------------------------------


@pytest.fixture
def app(db):
    return oauth.register_app(
        name="Test app", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read write follow"
    )


def api(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


API_ATTEMPTS = [
    ("delete", "/api/v1/statuses/{target}"),
    ("put", "/api/v1/statuses/{target}"),
    ("post", "/api/v1/statuses/{target}/pin"),
]


def api_call(client: Client, method: str, path: str, token: str):
    if method == "put":
        return client.put(
            path,
            json.dumps({"status": "hacked"}),
            content_type="application/json",
            headers=api(token),
        )
    return getattr(client, method)(path, headers=api(token))


@pytest.mark.parametrize("method,path", API_ATTEMPTS)
def test_a_token_of_olly_cannot_touch_pats_post(world, app, olly, method, path):
    token = make_token(app, olly, scopes="read write")
    before = snapshot_post(world)
    response = api_call(Client(), method, path.format(target=world.pat_post.id), token)
    assert response.status_code in (403, 404, 422), response.content
    assert "error" in response.json()
    assert snapshot_post(world) == before


@pytest.mark.parametrize("method,path", API_ATTEMPTS[:2])
def test_a_token_for_pats_own_profile_cannot_act_as_his_organisation(
    world, app, pat, hklibconnect, method, path
):
    token = make_token(app, pat, scopes="read write")
    org_post = world.org_post
    before = Post.objects.filter(pk=org_post.pk).values("text", "deleted_at").get()
    response = api_call(Client(), method, path.format(target=org_post.id), token)
    assert response.status_code in (403, 404), response.content
    assert Post.objects.filter(pk=org_post.pk).values("text", "deleted_at").get() == before


def test_a_token_posts_only_as_its_own_profile(world, app, pat, hklibconnect):
    token = make_token(app, pat, scopes="read write")
    response = Client().post("/api/v1/statuses", {"status": "whose?"}, headers=api(token))
    assert response.status_code == 200
    assert response.json()["account"]["id"] == str(pat.profile.id)


def jo(hklibconnect):
    return Membership.objects.get(profile=hklibconnect, role="owner").user


def test_a_removed_manager_loses_the_organisation_at_once(world, app, pat, hklibconnect):
    token = make_token(app, pat, scopes="read write", profile=hklibconnect)
    assert (
        Client().post("/api/v1/statuses", {"status": "before"}, headers=api(token)).status_code
        == 200
    )
    pages = Client()
    pages.force_login(pat.user)
    pages.post("/profiles/switch/", {"profile": str(hklibconnect.id)})

    account_actions.remove_member(user=jo(hklibconnect), profile=hklibconnect, member=pat.user)

    posts = Post.objects.filter(author=hklibconnect).count()
    response = Client().post("/api/v1/statuses", {"status": "after"}, headers=api(token))
    assert response.status_code in (401, 403)
    assert "error" in response.json()
    response = pages.post(
        "/posts/new/", {"text": "after, on the page", "profile": str(hklibconnect.id)}
    )
    assert response.status_code in (302, 403, 422)
    response = pages.post(f"/posts/{world.org_post.id}/delete/")
    assert response.status_code in (302, 403, 404)
    assert Post.objects.filter(author=hklibconnect).count() == posts
    assert Post.objects.get(pk=world.org_post.pk).deleted_at is None


def test_a_manager_cannot_remove_the_owner(world, pat, hklibconnect):
    pages = Client()
    pages.force_login(pat.user)
    pages.post("/profiles/switch/", {"profile": str(hklibconnect.id)})
    owner = jo(hklibconnect)
    response = pages.post("/settings/members/", {"op": "remove", "member": owner.username})
    assert response.status_code == 403
    assert Membership.objects.filter(user=owner, profile=hklibconnect, role="owner").exists()


# The own API --------------------------------------------------------------------------


def test_the_own_api_refuses_outsiders(world, app, olly):
    token = make_token(app, olly, scopes="read write")
    before = snapshot_chat(world)
    client = Client()
    response = client.patch(
        "/api/hashchat/v1/series/auslibchat",
        json.dumps({"title": "hacked"}),
        content_type="application/json",
        headers=api(token),
    )
    assert response.status_code == 403, response.content
    assert "error" in response.json()
    response = client.patch(
        f"/api/hashchat/v1/events/{world.event.id}",
        json.dumps({"topic": "hacked"}),
        content_type="application/json",
        headers=api(token),
    )
    assert response.status_code == 403, response.content
    response = client.post(
        "/api/hashchat/v1/series",
        json.dumps(
            {
                "hashtag": "stolenchat",
                "title": "x",
                "organiser": "NGAC",
                "timezone": "UTC",
                "rrule": "FREQ=WEEKLY",
                "start_time": "10:00",
            }
        ),
        content_type="application/json",
        headers=api(token),
    )
    assert response.status_code == 403, response.content
    assert snapshot_chat(world) == before
    assert not Series.objects.filter(hashtag__iexact="stolenchat").exists()


def test_a_read_token_cannot_write(world, app, hana):
    token = make_token(app, hana, scopes="read")
    response = Client().patch(
        "/api/hashchat/v1/series/auslibchat",
        json.dumps({"title": "hacked"}),
        content_type="application/json",
        headers=api(token),
    )
    assert response.status_code == 403
    assert Series.objects.get(pk=world.series.pk).title == "Australian library chat"
