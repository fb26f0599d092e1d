"""Ids a client sends (cursors, path segments, form fields) that are no 64-bit id:
never a server error (the database cannot hold them), always a 4xx: JSON on the
APIs, a 404 or a form message on pages."""

import pytest
from django.test import Client

from core.ids import MAX_ID, parse_id
from mastodon_api import actions as oauth
from posts.models import Post
from tests.mastodon_api.conftest import ApiClient, make_token
from tests.security.conftest import fill, page_routes

HUGE = str(2**64 + 5)
TOO_BIG = str(MAX_ID + 1)


@pytest.fixture
def app(db):
    return oauth.register_app(
        name="ids", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read write follow"
    )


def test_parse_id_takes_only_64_bit_ids():
    assert parse_id("12") == 12 and parse_id(12) == 12 and parse_id(str(MAX_ID)) == MAX_ID
    for bad in (TOO_BIG, HUGE, "-1", -1, "1e3", "²", "١٢", " ", "", None, True, "12abc", 2**70):
        assert parse_id(bad) is None, bad


def assert_json_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]


@pytest.mark.parametrize("cursor", ["max_id", "since_id", "min_id"])
@pytest.mark.parametrize("path", ["/api/v1/timelines/tag/auslibchat", "/api/v1/timelines/public"])
def test_a_cursor_beyond_64_bits_is_a_422(world, cursor, path):
    assert_json_error(Client().get(path, {cursor: HUGE}), 422)
    assert_json_error(Client().get(path, {cursor: TOO_BIG}), 422)
    assert Client().get(path, {cursor: str(world.pat_post.id + 1)}).status_code == 200


def test_home_and_account_pages_refuse_huge_cursors(world, app, pat):
    client = ApiClient(make_token(app, pat))
    assert_json_error(client.get("/api/v1/timelines/home", {"max_id": HUGE}), 422)
    path = f"/api/v1/accounts/{pat.profile.id}/statuses"
    assert_json_error(client.get(path, {"since_id": HUGE}), 422)
    assert_json_error(client.get("/api/v1/notifications", {"min_id": HUGE}), 422)


def test_path_ids_beyond_64_bits_are_not_found_on_the_mastodon_api(world, app, pat):
    client = ApiClient(make_token(app, pat))
    for path in (
        f"/api/v1/statuses/{HUGE}",
        f"/api/v1/statuses/{HUGE}/context",
        f"/api/v1/accounts/{HUGE}",
        f"/api/v1/notifications/{HUGE}",
    ):
        assert_json_error(client.get(path), 404)
    assert_json_error(client.post(f"/api/v1/statuses/{HUGE}/favourite"), 404)
    assert client.get("/api/v1/accounts/relationships", {"id[]": [HUGE]}).json() == []


def test_a_reply_to_a_huge_id_is_a_reply_to_nothing_known(world, app, pat):
    client = ApiClient(make_token(app, pat))
    before = Post.objects.count()
    response = client.post("/api/v1/statuses", {"status": "hi", "in_reply_to_id": HUGE})
    assert_json_error(response, 404)
    assert Post.objects.count() == before


def test_the_own_api_answers_404_for_huge_event_ids(world):
    for path in (
        f"/api/hashchat/v1/events/{HUGE}",
        f"/api/hashchat/v1/events/{HUGE}/posts",
        f"/api/hashchat/v1/events/{HUGE}/transcript",
    ):
        assert_json_error(Client().get(path), 404)


def test_every_page_with_an_id_in_its_path_is_a_404_for_huge_ids(world, pat):
    client = Client()
    client.force_login(pat.user)
    tried = 0
    for route, _name in page_routes():
        if "<id:" not in route:
            continue
        for key in ("post_id", "event_id", "question_id", "notification_id"):
            params = dict(world.params, **{key: HUGE})
            if f"<id:{key}>" not in route:
                continue
            tried += 1
            assert client.get(fill(route, params)).status_code == 404, route
    assert tried >= 15
    # No page route takes a bare <int:...> any more: those match any length.
    assert not [route for route, _ in page_routes() if "<int:" in route]


def test_page_query_and_form_ids_beyond_64_bits(world, pat):
    client = Client()
    client.force_login(pat.user)
    room = f"/chats/auslibchat/events/{world.event.id}/room/"
    assert client.get(room + "posts.json", {"before": HUGE}).status_code == 400
    assert client.get(room + "posts.json", {"after": HUGE}).status_code == 400
    assert client.get("/tags/auslibchat/", {"before": HUGE}).status_code == 200
    response = client.post(
        "/posts/new/", {"text": "a reply", "profile": str(pat.profile.id), "in_reply_to": HUGE}
    )
    assert response.status_code in (200, 404)
    response = client.post("/posts/new/", {"text": "hello", "profile": HUGE})
    assert response.status_code in (200, 404, 422)
