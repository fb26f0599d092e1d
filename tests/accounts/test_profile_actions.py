"""accounts.actions: update_profile, set_transcript_consent, follow, unfollow, block,
unblock, mute, unmute, suspend."""

import pytest

from accounts import actions, hooks
from accounts.models import Block, Follow, Mute
from core.errors import InvalidInput, NotAllowed
from posts.models import Notification


def test_it_updates_the_profile_fields(pat):
    actions.update_profile(
        user=pat.user,
        profile=pat.profile,
        display_name="Pat S",
        bio="Librarian",
        location="Sydney",
        timezone="Asia/Hong_Kong",
        website="https://pat.example.org",
    )
    pat.profile.refresh_from_db()
    assert (pat.profile.display_name, pat.profile.timezone) == ("Pat S", "Asia/Hong_Kong")
    assert pat.profile.website == "https://pat.example.org"


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"display_name": "x" * 101}, "display_name"),
        ({"bio": "x" * 501}, "bio"),
    ],
)
def test_it_refuses_bad_fields_and_changes_nothing(pat, fields, field):
    with pytest.raises(InvalidInput) as e:
        actions.update_profile(
            user=pat.user, profile=pat.profile, **{"location": "Changed", **fields}
        )
    assert e.value.field == field
    pat.profile.refresh_from_db()
    assert pat.profile.location == "Sydney"


def test_olly_cannot_edit_hklibconnect_but_pat_can(pat, olly, hklibconnect):
    with pytest.raises(NotAllowed):
        actions.update_profile(user=olly.user, profile=hklibconnect, bio="Hijacked")
    actions.update_profile(user=pat.user, profile=hklibconnect, bio="Hong Kong libraries")
    hklibconnect.refresh_from_db()
    assert hklibconnect.bio == "Hong Kong libraries"


def test_profile_updates_are_published_after_commit(
    pat, capture_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_profile(user=pat.user, profile=pat.profile, bio="New")
    assert capture_events == [
        (
            [f"profile:{pat.profile.id}"],
            {"type": "profile.updated", "profile_id": str(pat.profile.id)},
        )
    ]


def test_transcript_consent_is_set_by_someone_who_acts_as_the_profile(pat, olly):
    actions.set_transcript_consent(user=pat.user, profile=pat.profile, exclude=True)
    pat.profile.refresh_from_db()
    assert pat.profile.exclude_from_transcripts
    with pytest.raises(NotAllowed):
        actions.set_transcript_consent(user=olly.user, profile=pat.profile, exclude=False)


def test_following_notifies_once(pat, olly):
    actions.follow(user=pat.user, profile=pat.profile, target=olly.profile)
    actions.follow(user=pat.user, profile=pat.profile, target=olly.profile)
    assert Follow.objects.filter(follower=pat.profile, followee=olly.profile).count() == 1
    notes = Notification.objects.filter(recipient=olly.profile, kind="follow")
    assert [n.actor for n in notes] == [pat.profile]


def test_a_profile_cannot_follow_itself_or_follow_as_someone_else(pat, olly):
    with pytest.raises(InvalidInput):
        actions.follow(user=pat.user, profile=pat.profile, target=pat.profile)
    with pytest.raises(NotAllowed):
        actions.follow(user=olly.user, profile=pat.profile, target=olly.profile)


def test_unfollow(pat, olly):
    actions.follow(user=pat.user, profile=pat.profile, target=olly.profile)
    actions.unfollow(user=pat.user, profile=pat.profile, target=olly.profile)
    assert not Follow.objects.exists()


def test_a_block_ends_follows_both_ways_and_stops_new_ones(pat, olly):
    actions.follow(user=pat.user, profile=pat.profile, target=olly.profile)
    actions.follow(user=olly.user, profile=olly.profile, target=pat.profile)
    actions.block(user=pat.user, profile=pat.profile, target=olly.profile)
    assert not Follow.objects.exists()
    with pytest.raises(NotAllowed):
        actions.follow(user=olly.user, profile=olly.profile, target=pat.profile)
    actions.unblock(user=pat.user, profile=pat.profile, target=olly.profile)
    assert not Block.objects.exists()
    actions.follow(user=olly.user, profile=olly.profile, target=pat.profile)


def test_mute_and_unmute(pat, olly):
    actions.mute(user=pat.user, profile=pat.profile, target=olly.profile)
    row = actions.mute(user=pat.user, profile=pat.profile, target=olly.profile, notifications=False)
    assert Mute.objects.count() == 1 and row.notifications is False
    with pytest.raises(InvalidInput):
        actions.mute(user=pat.user, profile=pat.profile, target=pat.profile)
    actions.unmute(user=pat.user, profile=pat.profile, target=olly.profile)
    assert not Mute.objects.exists()


def test_only_a_site_admin_suspends_and_a_suspended_profile_cannot_act(pat, olly):
    with pytest.raises(NotAllowed):
        actions.suspend(admin=pat.user, profile=olly.profile)
    admin = actions.create_user(
        username="admin", email="a@example.org", password="a-long-passphrase", admin=True
    )
    actions.suspend(admin=admin, profile=olly.profile)
    with pytest.raises(NotAllowed) as e:
        actions.follow(user=olly.user, profile=olly.profile, target=pat.profile)
    assert "suspended" in e.value.message
    actions.suspend(admin=admin, profile=olly.profile, suspended=False)
    actions.follow(user=olly.user, profile=olly.profile, target=pat.profile)


def test_a_failing_follow_hook_leaves_no_follow_behind(pat, olly):
    def refuse(follower, followee):
        raise RuntimeError("no")

    hooks.on_follow("tests.refuse", refuse)
    try:
        with pytest.raises(RuntimeError):
            actions.follow(user=pat.user, profile=pat.profile, target=olly.profile)
    finally:
        hooks.remove("tests.refuse")
    assert not Follow.objects.filter(follower=pat.profile, followee=olly.profile).exists()
