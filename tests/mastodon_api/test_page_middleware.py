"""The client APIs pass by the browser's middleware (sessions, CSRF, the login,
messages, the acting profile, the viewer's zone: core.middleware.PagesOnly). Their
answers must be what they were with Django's own middleware in the chain, and a
browser's session cookie must never stand in for a bearer token."""

from django.test import Client, override_settings

from posts.models import Post

from .conftest import ApiClient

# Django's own middleware in place of hashchat's page-only subclasses: the chain as it
# was before the client APIs passed it by.
DJANGO_OWN = {
    "core.middleware.PageSessionMiddleware": "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.PageCsrfViewMiddleware": "django.middleware.csrf.CsrfViewMiddleware",
    "core.middleware.PageAuthenticationMiddleware": (
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    ),
    "core.middleware.PageMessageMiddleware": "django.contrib.messages.middleware.MessageMiddleware",
}


def _answers(client: ApiClient, paths: list[str]) -> list[tuple[int, bytes, set[str]]]:
    client.client = Client()  # loads the middleware chain of the settings in force
    out = []
    for path in paths:
        r = client.get(path)
        headers = {name.lower() for name in r.headers} - {"x-ratelimit-reset"}
        out.append((r.status_code, r.content, headers))
    return out


def test_api_answers_are_the_same_without_the_page_middleware(settings, as_hana, as_pat, pat):
    as_hana.post(f"/api/v1/accounts/{pat.profile.id}/follow")
    question = as_pat.post("/api/v1/statuses", {"status": "Q1 What do you read? #auslibchat"})
    qid = question.json()["id"]
    as_hana.post("/api/v1/statuses", {"status": "A1 Novels #auslibchat", "in_reply_to_id": qid})
    as_pat.post(f"/api/v1/statuses/{qid}/reblog")
    paths = [
        f"/api/v1/statuses/{qid}",
        f"/api/v1/statuses/{qid}/context",
        "/api/v1/timelines/home?limit=40",
        "/api/v1/timelines/tag/auslibchat",
        "/api/v1/notifications",
        "/api/v1/accounts/verify_credentials",
        "/api/v1/instance",
        "/api/v1/statuses/12345",  # a 404
        "/api/v1/no-such-endpoint",
    ]
    fast = _answers(as_hana, paths)
    full = [DJANGO_OWN.get(name, name) for name in settings.MIDDLEWARE]
    assert full != settings.MIDDLEWARE
    with override_settings(MIDDLEWARE=full):
        slow = _answers(as_hana, paths)
    for path, got, expected in zip(paths, fast, slow, strict=True):
        assert got == expected, path


def test_a_session_cookie_is_not_a_login_on_the_client_api(hana):
    browser = Client()
    browser.force_login(hana.user)
    assert browser.get("/settings/").status_code == 200  # the session is a login on pages
    r = browser.get("/api/v1/accounts/verify_credentials")
    assert r.status_code == 401 and r.json() == {"error": "The access token is invalid"}
    r = browser.post(
        "/api/v1/statuses", {"status": "posted by a cookie #auslibchat"}, HTTP_ORIGIN="https://x"
    )
    assert r.status_code == 401
    assert not Post.objects.exists()
    assert not r.cookies  # nor does the API touch the session or the CSRF cookie


def test_pages_still_refuse_a_post_without_the_csrf_token(hana):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(hana.user)
    r = browser.post("/settings/", {"display_name": "Changed"})
    assert r.status_code == 403
    hana.profile.refresh_from_db()
    assert hana.profile.display_name == "Hana"
