"""Bodies no client should send: nested past any sense, or larger than the server
takes. Every API answers them with a JSON error (400, or 413 for the size) and
stores nothing; pages answer 413 too."""

import pytest
from django.test import Client

from posts.models import Post

DEEP = b"[" * 100_000 + b"]" * 100_000


def assert_json_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]


def test_a_deeply_nested_status_body_is_a_400(as_pat):
    body = b'{"status": "hi", "poll": ' + DEEP + b"}"
    response = as_pat.client.post(
        "/api/v1/statuses",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {as_pat.token}"},
    )
    assert_json_error(response, 400)
    assert not Post.objects.exists()


def test_a_deeply_nested_own_api_body_is_a_400(as_hana):
    response = as_hana.client.post(
        "/api/hashchat/v1/series",
        b'{"hashtag": ' + DEEP + b"}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {as_hana.token}"},
    )
    assert_json_error(response, 400)


@pytest.mark.parametrize(
    "path", ["/api/v1/statuses", "/api/hashchat/v1/series", "/oauth/token", "/api/v1/apps"]
)
def test_a_body_over_the_limit_is_a_413_in_json(as_pat, settings, path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = b'{"status": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    response = as_pat.client.post(
        path,
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {as_pat.token}"},
    )
    assert_json_error(response, 413)
    assert "1 MB" in response.json()["error"]
    assert not Post.objects.exists()


def test_a_form_over_the_limit_on_a_page_is_a_413(pat, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client = Client()
    client.force_login(pat.user)
    response = client.post("/posts/new/", {"text": "a" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert not Post.objects.exists()


def test_unknown_api_paths_answer_json(db):
    for path in ("/api/hashchat/v1/nothing-here", "/oauth/nothing", "/api/v3/instance"):
        assert_json_error(Client().get(path), 404)


@pytest.mark.parametrize("path", ["/api/v1/accounts/search", "/api/v2/search"])
def test_an_offset_no_database_takes_is_a_422(as_pat, path):
    # Found by tests/fuzz/test_mastodon_api.py: SQLite refused OFFSET 2^63 (a 500).
    response = as_pat.get(path, {"q": "pat", "offset": str(2**63), "type": "accounts"})
    assert_json_error(response, 422)
    assert as_pat.get(path, {"q": "pat", "offset": "2"}).status_code == 200
