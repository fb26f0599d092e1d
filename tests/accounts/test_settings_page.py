"""/settings/ (the active profile) and /profiles/new/."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.middleware import SESSION_KEY
from accounts.models import Profile
from accounts.permissions import is_owner


def form_data(**overrides):
    data = {
        "display_name": "Pat",
        "bio": "",
        "location": "Sydney",
        "timezone": "Australia/Sydney",
        "website": "",
    }
    data.update(overrides)
    return data


def test_it_needs_a_login(client, db):
    r = client.get("/settings/")
    assert r.status_code == 302 and r.url == "/login/?next=/settings/"


def test_the_form_shows_the_active_profile_with_a_timezone_select(client, pat):
    client.force_login(pat.user)
    r = client.get("/settings/")
    assert r.status_code == 200
    assert '<option value="Australia/Sydney" selected>' in r.text
    assert '<option value="Asia/Hong_Kong">' in r.text
    assert "Leave my posts out of transcripts and exports" in r.text
    for field in ("display_name", "bio", "location", "timezone", "website", "avatar"):
        assert f'for="id_{field}"' in r.text


def test_saving_updates_the_profile_and_consent(client, pat):
    client.force_login(pat.user)
    r = client.post(
        "/settings/",
        form_data(
            bio="Reference librarian",
            website="https://pat.example.org",
            exclude_from_transcripts="on",
        ),
    )
    assert r.status_code == 302
    pat.profile.refresh_from_db()
    assert pat.profile.bio == "Reference librarian"
    assert pat.profile.exclude_from_transcripts
    client.post("/settings/", form_data())
    pat.profile.refresh_from_db()
    assert not pat.profile.exclude_from_transcripts


def test_a_bad_website_shows_the_form_again_and_saves_nothing(client, pat):
    client.force_login(pat.user)
    r = client.post(
        "/settings/",
        form_data(bio="Changed", website="javascript:alert(1)", exclude_from_transcripts="on"),
    )
    assert r.status_code == 422
    assert "The website must be an http:// or https:// address." in r.text
    pat.profile.refresh_from_db()
    assert pat.profile.bio == "" and not pat.profile.exclude_from_transcripts


def test_an_unknown_timezone_is_refused(client, pat):
    client.force_login(pat.user)
    r = client.post("/settings/", form_data(timezone="Mars/Olympus"))
    assert r.status_code == 422
    assert "Select a valid choice." in r.text


def test_an_avatar_is_uploaded_and_removed(client, pat, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(pat.user)
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "orange").save(buffer, "PNG")
    upload = SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")
    client.post("/settings/", {**form_data(), "avatar": upload})
    pat.profile.refresh_from_db()
    assert pat.profile.avatar
    client.post("/settings/", form_data(remove_avatar="on"))
    pat.profile.refresh_from_db()
    assert not pat.profile.avatar


def test_a_file_that_is_not_a_picture_is_reported(client, pat):
    client.force_login(pat.user)
    upload = SimpleUploadedFile("me.png", b"nope", content_type="image/png")
    r = client.post("/settings/", {**form_data(), "avatar": upload})
    assert r.status_code == 422
    assert "That file is not a picture hashchat can read." in r.text


def test_settings_edit_the_active_organisation_profile(client, pat, hklibconnect):
    client.force_login(pat.user)
    client.post("/profiles/switch/", {"profile": hklibconnect.id, "next": "/settings/"})
    r = client.post("/settings/", form_data(display_name="HK Libraries", timezone="Asia/Hong_Kong"))
    assert r.status_code == 302
    hklibconnect.refresh_from_db()
    pat.profile.refresh_from_db()
    assert hklibconnect.display_name == "HK Libraries"
    assert pat.profile.display_name == "Pat"


def test_creating_an_organisation_makes_it_active(client, pat):
    client.force_login(pat.user)
    assert client.get("/profiles/new/").status_code == 200
    r = client.post(
        "/profiles/new/",
        {
            "handle": "SydLib",
            "display_name": "Sydney Libraries",
            "bio": "",
            "timezone": "Australia/Sydney",
        },
    )
    org = Profile.objects.get(handle="SydLib")
    assert r.status_code == 302 and r.url == "/@SydLib/"
    assert is_owner(pat.user, org)
    assert client.session[SESSION_KEY] == str(org.id)


def test_a_taken_organisation_handle_shows_the_form_again(client, pat, hklibconnect):
    client.force_login(pat.user)
    r = client.post("/profiles/new/", {"handle": "hklibconnect", "timezone": "UTC"})
    assert r.status_code == 422
    assert "The handle @hklibconnect is taken." in r.text
    assert Profile.objects.filter(handle__iexact="hklibconnect").count() == 1


def test_a_zone_outside_the_list_stays_selected(client, pat):
    from accounts.actions import update_profile

    update_profile(user=pat.user, profile=pat.profile, timezone="GMT")
    client.force_login(pat.user)
    assert '<option value="GMT" selected>' in client.get("/settings/").text
    client.post("/settings/", form_data(timezone="GMT"))
    pat.profile.refresh_from_db()
    assert pat.profile.timezone == "GMT"
