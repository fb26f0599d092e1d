"""CSRF on every form, session cookies, and the security headers."""

from html.parser import HTMLParser

import pytest
from django.test import Client, override_settings

from posts.models import Like, Post
from tests.security.conftest import fill, page_routes


class Forms(HTMLParser):
    """Each <form method=post> and whether it carries the CSRF token."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._open = {"action": a.get("action"), "token": False}
            self.forms.append(self._open)
        if tag == "input" and self._open is not None and a.get("name") == "csrfmiddlewaretoken":
            self._open["token"] = True

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def logged_in(person, enforce: bool = True) -> Client:
    client = Client(enforce_csrf_checks=enforce)
    client.force_login(person.user)
    return client


def test_every_page_route_refuses_a_post_without_the_csrf_token(world, hana, pat):
    routes = page_routes()
    assert len(routes) > 30  # the table follows the URL configuration
    before = (Post.objects.count(), Like.objects.count())
    refused = []
    for route, name in routes:
        for person in (hana, pat):
            response = logged_in(person).post(
                fill(route, world.params), {"text": "forged #auslibchat", "profile": ""}
            )
            if response.status_code == 403 and b"CSRF" in response.content:
                refused.append(name)
            else:
                pytest.fail(f"{name} ({route}) answered {response.status_code} to a forged POST")
    assert (Post.objects.count(), Like.objects.count()) == before
    assert len(refused) == 2 * len(routes)


def test_the_same_post_with_the_token_goes_through(world, pat):
    client = logged_in(pat)
    client.get("/")
    token = client.cookies["csrftoken"].value
    response = client.post(f"/posts/{world.olly_post.id}/like/", {"csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302)
    assert Like.objects.filter(post=world.olly_post, profile=pat.profile).exists()


def test_every_form_on_every_page_carries_the_csrf_token(world, hana):
    client = logged_in(hana, enforce=False)
    checked = 0
    for route, name in page_routes():
        response = client.get(fill(route, world.params))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            checked += 1
            assert form["token"], f"{name}: a POST form to {form['action']} has no CSRF token"
    assert checked >= 10


def test_session_and_csrf_cookies_are_httponly_and_samesite(pat):
    client = Client()
    client.get("/login/")
    response = client.post("/login/", {"username": "pat", "password": pat.password})
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    assert not session["secure"]


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_cookies_are_secure_behind_https(pat):
    # settings.py sets both from HASHCHAT_BASE_URL starting with https://.
    client = Client()
    response = client.post("/login/", {"username": "pat", "password": pat.password})
    assert response.cookies["sessionid"]["secure"]


def test_https_base_url_makes_cookies_secure(monkeypatch):
    import importlib

    import hashchat.settings as settings_module

    monkeypatch.setenv("HASHCHAT_BASE_URL", "https://chats.example.org")
    reloaded = importlib.reload(settings_module)
    try:
        assert reloaded.SESSION_COOKIE_SECURE
        assert reloaded.CSRF_COOKIE_SECURE
        assert reloaded.SESSION_COOKIE_HTTPONLY
    finally:
        monkeypatch.delenv("HASHCHAT_BASE_URL")
        importlib.reload(settings_module)


@pytest.mark.parametrize("path", ["/", "/login/", "/signup/", "/chats/", "/tags/auslibchat/"])
def test_pages_carry_the_content_security_policy(db, path):
    response = Client().get(path)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_every_page_of_the_world_has_a_csp(world, hana):
    client = logged_in(hana, enforce=False)
    for route, name in page_routes():
        response = client.get(fill(route, world.params))
        if "html" in response.get("Content-Type", ""):
            assert "Content-Security-Policy" in response, name


def test_the_client_apis_carry_the_same_policy_as_pages(db):
    page = Client().get("/")
    api = Client().get("/api/v1/instance")
    assert api["Content-Security-Policy"] == page["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in api["Content-Security-Policy"]
