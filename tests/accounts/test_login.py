"""accounts.actions.check_login / record_login_failure / record_login_success, and
the /login/ and /logout/ pages."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts import actions
from core.errors import InvalidInput, NotAllowed


def test_the_right_password_logs_in(pat):
    assert actions.check_login(username="PAT", password=pat.password) == pat.user


def test_a_wrong_password_counts_a_failure(pat):
    with pytest.raises(InvalidInput):
        actions.check_login(username="pat", password="wrong")
    pat.user.refresh_from_db()
    assert pat.user.failed_logins == 1


def test_five_failures_lock_the_login_even_for_the_right_password(pat):
    for _ in range(actions.LOCKOUT_AFTER):
        actions.record_login_failure(pat.user)
    pat.user.refresh_from_db()
    assert pat.user.locked_until > timezone.now()
    with pytest.raises(NotAllowed) as e:
        actions.check_login(username="pat", password=pat.password)
    assert "locked" in e.value.message


def test_the_lock_ends_after_a_while(pat):
    for _ in range(actions.LOCKOUT_AFTER):
        actions.record_login_failure(pat.user)
    with time_machine.travel(timezone.now() + actions.LOCKOUT_FOR + timedelta(seconds=1)):
        assert actions.check_login(username="pat", password=pat.password) == pat.user
    pat.user.refresh_from_db()
    assert pat.user.locked_until is None and pat.user.failed_logins == 0


def test_a_success_resets_the_failure_count(pat):
    actions.record_login_failure(pat.user)
    actions.record_login_success(pat.user)
    pat.user.refresh_from_db()
    assert pat.user.failed_logins == 0


def test_an_unknown_username_is_refused_without_saying_which_part_is_wrong(db):
    with pytest.raises(InvalidInput) as e:
        actions.check_login(username="nobody", password="x")
    assert e.value.message == "That username and password do not match."


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
    assert "That username and password do not match." in r.text
    assert "_auth_user_id" not in client.session


def test_a_locked_login_gets_a_clear_message(client, pat):
    for _ in range(actions.LOCKOUT_AFTER):
        client.post("/login/", {"username": "pat", "password": "nope"})
    r = client.post("/login/", {"username": "pat", "password": pat.password})
    assert r.status_code == 403
    assert "Too many wrong passwords: this login is locked for 15 more minutes." in r.text
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client, pat):
    client.force_login(pat.user)
    assert client.get("/logout/").status_code == 405
    r = client.post("/logout/")
    assert r.status_code == 302
    assert "_auth_user_id" not in client.session
