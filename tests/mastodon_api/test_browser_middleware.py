"""The client APIs skip what the browser's middleware does for pages: the acting
profile and the viewer's zone are not looked up (accounts.middleware, by
core.middleware.client_api), so neither is the login nor the session behind them.
Their answers must be what the full path gives, and a browser's session cookie must
never stand in for a bearer token."""

import pytest
from django.test import Client

import accounts.middleware
from posts.models import Post

from .conftest import ApiClient

PATHS = [
    "/api/v1/statuses/{qid}",
    "/api/v1/statuses/{qid}/context",
    "/api/v1/timelines/home?limit=40",
    "/api/v1/timelines/tag/auslibchat",
    "/api/v1/notifications",
    "/api/v1/accounts/verify_credentials",
    "/api/v1/instance",
    "/api/v1/statuses/12345",  # a 404
    "/api/v1/no-such-endpoint",
]


def _answers(client: ApiClient, paths: list[str]) -> list[tuple[int, bytes, set[str]]]:
    """Status, body and header names; `Vary` apart: looking the session up added
    `Vary: Cookie`, and the client APIs' answers do not vary with cookies."""
    out = []
    for path in paths:
        r = client.get(path)
        headers = {name.lower() for name in r.headers} - {"x-ratelimit-reset", "vary"}
        out.append((r.status_code, r.content, headers))
    return out


@pytest.mark.parametrize("with_session", [False, True], ids=["no cookie", "olly's session"])
def test_api_answers_are_what_the_full_middleware_gives(
    monkeypatch, as_hana, as_pat, pat, olly, with_session
):
    as_hana.post(f"/api/v1/accounts/{pat.profile.id}/follow")
    question = as_pat.post("/api/v1/statuses", {"status": "Q1 What do you read? #auslibchat"})
    qid = question.json()["id"]
    as_hana.post("/api/v1/statuses", {"status": "A1 Novels #auslibchat", "in_reply_to_id": qid})
    as_pat.post(f"/api/v1/statuses/{qid}/reblog")
    paths = [p.format(qid=qid) for p in PATHS]
    if with_session:  # a browser logged in as someone else sends its cookie along
        as_hana.client.force_login(olly.user)
    fast = _answers(as_hana, paths)
    assert "Cookie" not in as_hana.get(paths[0]).get("Vary", "")
    # The full path: the acting profile and zone looked up as for a page.
    monkeypatch.setattr(accounts.middleware, "client_api", lambda request: False)
    full = _answers(as_hana, paths)
    for path, got, expected in zip(paths, fast, full, strict=True):
        assert got == expected, path


def test_a_session_cookie_is_not_a_login_on_the_client_api(hana):
    browser = Client()
    browser.force_login(hana.user)
    assert browser.get("/settings/").status_code == 200  # the session is a login on pages
    r = browser.get("/api/v1/accounts/verify_credentials")
    assert r.status_code == 401 and r.json() == {"error": "The access token is invalid"}
    r = browser.post("/api/v1/statuses", {"status": "posted by a cookie #auslibchat"})
    assert r.status_code == 401
    assert not Post.objects.exists()
