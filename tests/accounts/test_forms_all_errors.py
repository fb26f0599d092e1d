"""Every account form shows all its mistakes after one submit, each beside its
field, and saves nothing: sign-up, a new organisation, profile settings and the
password change."""

import html
import re

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Profile, User


def field_errors(page: str) -> dict[str, str]:
    """{field name: its error text} from the rendered form (the list beside it)."""
    found = re.findall(r'<ul class="errorlist" id="id_(\w+)_error"[^>]*>(.*?)</ul>', page, re.S)
    return {name: html.unescape(re.sub(r"<[^>]+>", " ", body)) for name, body in found}


def test_sign_up_shows_a_taken_username_a_bad_handle_and_a_weak_password_at_once(client, pat):
    before = (User.objects.count(), Profile.objects.count())
    response = client.post(
        "/signup/",
        {"username": "pat", "email": "pat2@example.org", "password": "password1", "handle": "Pat"},
    )
    assert response.status_code == 422
    errors = field_errors(response.text)
    assert "The username pat is taken." in errors["username"]
    assert "The handle @Pat is taken." in errors["handle"]
    assert "too common" in errors["password"]
    assert (User.objects.count(), Profile.objects.count()) == before


def test_sign_up_says_when_the_username_cannot_be_the_handle(client, db):
    response = client.post(
        "/signup/",
        {"username": "mei.lin", "email": "not an address", "password": "short", "handle": ""},
    )
    assert response.status_code == 422
    errors = field_errors(response.text)
    assert "Your username cannot be your @handle" in errors["handle"]
    assert "Enter a valid email address." in errors["email"]
    assert "Use at least 8 characters." in errors["password"]
    assert not User.objects.filter(username="mei.lin").exists()


def test_a_new_organisation_shows_a_taken_handle_beside_its_other_mistakes(client, pat):
    client.force_login(pat.user)
    response = client.post(
        "/profiles/new/",
        {"handle": "pat", "display_name": "x" * 101, "bio": "", "timezone": "Mars/Olympus"},
    )
    assert response.status_code == 422
    errors = field_errors(response.text)
    assert "The handle @pat is taken." in errors["handle"]
    assert "at most 100 characters" in errors["display_name"]
    assert "Mars/Olympus is not one of the available choices" in errors["timezone"]
    assert Profile.objects.filter(kind=Profile.Kind.ORGANISATION).count() == 0


def test_profile_settings_show_a_bad_website_and_a_bad_picture_at_once(client, pat):
    client.force_login(pat.user)
    response = client.post(
        "/settings/",
        {
            "display_name": "Patricia",
            "bio": "b" * 501,
            "location": "",
            "timezone": "Australia/Sydney",
            "website": "ftp://example.org/",
            "avatar": SimpleUploadedFile("me.png", b"not a picture", content_type="image/png"),
        },
    )
    assert response.status_code == 422
    errors = field_errors(response.text)
    assert "The website must be an http:// or https:// address." in errors["website"]
    assert "That file is not a picture hashchat can read." in errors["avatar"]
    assert "at most 500 characters" in errors["bio"]
    pat.profile.refresh_from_db()
    assert pat.profile.display_name == "Pat" and not pat.profile.avatar


def test_the_password_change_shows_a_wrong_current_and_a_weak_new_password_at_once(client, pat):
    client.force_login(pat.user)
    response = client.post(
        "/settings/password/", {"old_password": "not-it-at-all", "new_password": "12345678"}
    )
    assert response.status_code == 422
    errors = field_errors(response.text)
    assert "Your current password is not right." in errors["old_password"]
    assert "too common" in errors["new_password"]
    pat.user.refresh_from_db()
    assert pat.user.check_password(pat.password)
