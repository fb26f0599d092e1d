"""accounts.actions.check_login and the /login/ and /logout/ pages (the login limits
themselves: tests/security/test_rate_limits.py)."""

import pytest

from accounts import actions
from accounts.login_limits import LOGIN_FAILED
from core.errors import InvalidInput


def test_the_right_password_logs_in(pat):
    assert actions.check_login(username="PAT", password=pat.password) == pat.user


def test_an_unknown_username_is_refused_without_saying_which_part_is_wrong(db):
    with pytest.raises(InvalidInput) as e:
        actions.check_login(username="nobody", password="x")
    assert e.value.message == LOGIN_FAILED


def test_the_login_page_logs_in_and_follows_a_safe_next(client, pat):
    r = client.post(
        "/login/", {"username": "pat", "password": pat.password, "next": "/notifications/"}
    )
    assert r.status_code == 302 and r.url == "/notifications/"
    assert client.session["_auth_user_id"] == str(pat.user.pk)


def test_the_login_page_ignores_a_next_on_another_site(client, pat):
    r = client.post(
        "/login/", {"username": "pat", "password": pat.password, "next": "https://evil.example/"}
    )
    assert r.url == "/"


def test_a_wrong_password_shows_the_form_again(client, pat):
    r = client.post("/login/", {"username": "pat", "password": "nope"})
    assert r.status_code == 422
    assert LOGIN_FAILED in r.text
    assert "_auth_user_id" not in client.session


def test_a_locked_login_looks_like_a_wrong_password(client, pat):
    for _ in range(5):
        client.post("/login/", {"username": "pat", "password": "nope"})
    locked = client.post("/login/", {"username": "pat", "password": pat.password})
    unknown = client.post("/login/", {"username": "nobody-here", "password": "nope"})
    assert locked.status_code == unknown.status_code == 422
    assert LOGIN_FAILED in locked.text and LOGIN_FAILED in unknown.text
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client, pat):
    client.force_login(pat.user)
    assert client.get("/logout/").status_code == 405
    r = client.post("/logout/")
    assert r.status_code == 302
    assert "_auth_user_id" not in client.session
