"""accounts.avatars: uploaded pictures resized with Pillow, and the initials avatar."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts import actions
from accounts.avatars import AVATAR_SIZE, initials_svg, resize_avatar
from core.errors import InvalidInput


def picture(size=(1200, 800), mode="RGB", fmt="JPEG", name="me.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, size, "teal").save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def test_a_large_picture_becomes_a_square_of_at_most_400(db):
    result = resize_avatar(picture())
    image = Image.open(io.BytesIO(result.read()))
    assert image.size == (AVATAR_SIZE, AVATAR_SIZE)
    assert result.name.endswith(".jpg")


def test_a_transparent_picture_stays_png(db):
    result = resize_avatar(picture(mode="RGBA", fmt="PNG", name="me.png"))
    assert result.name.endswith(".png")


def test_a_file_that_is_not_a_picture_is_refused(db):
    with pytest.raises(InvalidInput) as e:
        resize_avatar(SimpleUploadedFile("me.jpg", b"not a picture"))
    assert e.value.field == "avatar"


def test_update_profile_stores_and_removes_the_avatar(pat, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    actions.update_profile(user=pat.user, profile=pat.profile, avatar=picture())
    pat.profile.refresh_from_db()
    assert pat.profile.avatar.name.startswith("avatars/")
    assert pat.profile.avatar_url().startswith("/media/avatars/")
    actions.update_profile(user=pat.user, profile=pat.profile, remove_avatar=True)
    pat.profile.refresh_from_db()
    assert not pat.profile.avatar
    assert pat.profile.avatar_url() == "/avatars/pat.svg"


def test_the_initials_avatar_is_an_escaped_svg_with_a_stable_colour():
    svg = initials_svg("pat", "<P")
    assert svg.startswith("<svg") and "&lt;P" in svg and "<P" not in svg.replace("<svg", "")
    assert initials_svg("PAT", "P") == initials_svg("pat", "P")


def test_initials_come_from_the_display_name(hklibconnect):
    assert hklibconnect.initials == "HL"


def test_the_initials_avatar_is_served_as_svg(client, pat):
    r = client.get("/avatars/pat.svg")
    assert r.status_code == 200
    assert r["Content-Type"] == "image/svg+xml"
    assert ">P</text>" in r.text
    assert client.get("/avatars/nobody.svg").status_code == 404
