"""A bad token is answered 401 before anything looks at the rest of the request, on
both APIs: a client with an expired token learns that first, whatever else it sent."""

import json

import pytest
from django.test import Client

BAD = {"Authorization": "Bearer no-such-token"}


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/statuses", "{not json"),
        ("/api/v1/statuses", json.dumps({"status": ["not", "text"]})),
        ("/api/hashchat/v1/series", json.dumps({"hashtag": 5})),
        ("/api/hashchat/v1/series", "{not json"),
    ],
)
def test_a_bad_token_with_a_bad_body_is_401(db, path, body):
    r = Client().post(path, body, content_type="application/json", headers=BAD)
    assert r.status_code == 401
    assert r.json()["error"]


@pytest.mark.parametrize(
    "path", ["/api/v1/timelines/public?limit=abc", "/api/hashchat/v1/series?limit=abc"]
)
def test_a_bad_token_with_bad_parameters_is_401(db, path):
    assert Client().get(path, headers=BAD).status_code == 401


def test_without_a_token_the_own_api_still_validates(db):
    r = Client().get("/api/hashchat/v1/series")
    assert r.status_code == 200
