"""accounts.actions.change_password and /settings/password/."""

import pytest

from accounts import actions
from core.errors import InvalidInput


def test_it_changes_the_password(pat):
    actions.change_password(
        user=pat.user, old_password=pat.password, new_password="another-long-one"
    )
    pat.user.refresh_from_db()
    assert pat.user.check_password("another-long-one")


def test_it_needs_the_current_password(pat):
    with pytest.raises(InvalidInput) as e:
        actions.change_password(
            user=pat.user, old_password="wrong", new_password="another-long-one"
        )
    assert e.value.field == "old_password"
    pat.user.refresh_from_db()
    assert pat.user.check_password(pat.password)


def test_it_refuses_a_weak_new_password(pat):
    with pytest.raises(InvalidInput) as e:
        actions.change_password(user=pat.user, old_password=pat.password, new_password="123")
    assert e.value.field == "new_password"


def test_the_page_needs_a_login(client, db):
    r = client.get("/settings/password/")
    assert r.status_code == 302 and r.url.startswith("/login/")


def test_the_page_changes_the_password_and_keeps_the_session(client, pat):
    client.force_login(pat.user)
    r = client.post(
        "/settings/password/", {"old_password": pat.password, "new_password": "another-long-one"}
    )
    assert r.status_code == 302
    # Still logged in after the change.
    assert client.get("/settings/").status_code == 200
    pat.user.refresh_from_db()
    assert pat.user.check_password("another-long-one")


def test_the_page_shows_a_wrong_current_password(client, pat):
    client.force_login(pat.user)
    r = client.post(
        "/settings/password/", {"old_password": "nope", "new_password": "another-long-one"}
    )
    assert r.status_code == 422
    assert "Your current password is not right." in r.text
