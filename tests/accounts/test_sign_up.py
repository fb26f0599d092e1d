"""accounts.actions.sign_up and create_user."""

import pytest

from accounts import actions
from accounts.models import Membership, Profile, User
from core.errors import Conflict, InvalidInput


def test_it_creates_a_login_with_a_personal_profile_it_owns(db):
    user = actions.sign_up(
        username="mei", email="mei@example.org", password="a-long-passphrase", handle="MeiL"
    )
    profile = user.personal_profile
    assert profile.handle == "MeiL"
    assert profile.kind == Profile.Kind.PERSONAL
    assert Membership.objects.get(user=user, profile=profile).role == "owner"
    assert user.check_password("a-long-passphrase")


def test_the_handle_defaults_to_the_username(db):
    user = actions.sign_up(username="mei", email="mei@example.org", password="a-long-passphrase")
    assert user.personal_profile.handle == "mei"


def test_it_hashes_passwords_with_argon2_in_production_settings():
    from hashchat import settings

    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize(
    "handle", ["has space", "way_too_long_for_a_handle_really", "dash-ed", "ü"]
)
def test_it_refuses_an_invalid_handle_and_saves_nothing(db, handle):
    with pytest.raises(InvalidInput) as e:
        actions.sign_up(
            username="mei", email="mei@example.org", password="a-long-passphrase", handle=handle
        )
    assert e.value.field == "handle"
    assert not User.objects.exists() and not Profile.objects.exists()


def test_handles_are_unique_case_insensitively(pat):
    with pytest.raises(Conflict) as e:
        actions.sign_up(
            username="other", email="o@example.org", password="a-long-passphrase", handle="PAT"
        )
    assert "taken" in e.value.message
    assert User.objects.filter(username="other").count() == 0


def test_usernames_are_unique_case_insensitively(pat):
    with pytest.raises(Conflict):
        actions.sign_up(
            username="Pat", email="p2@example.org", password="a-long-passphrase", handle="pat2"
        )


def test_it_refuses_a_weak_password(db):
    with pytest.raises(InvalidInput) as e:
        actions.sign_up(username="mei", email="mei@example.org", password="short")
    assert e.value.field == "password"
    assert not User.objects.exists()


def test_it_refuses_a_bad_email_and_a_bad_username(db):
    with pytest.raises(InvalidInput) as e:
        actions.sign_up(username="mei", email="not-an-address", password="a-long-passphrase")
    assert e.value.field == "email"
    with pytest.raises(InvalidInput) as e:
        actions.sign_up(username="mei lee", email="m@example.org", password="a-long-passphrase")
    assert e.value.field == "username"


def test_create_user_can_make_a_site_admin(db):
    user = actions.create_user(
        username="admin", email="a@example.org", password="a-long-passphrase", admin=True
    )
    assert user.is_staff and user.is_superuser
    assert user.personal_profile.handle == "admin"
