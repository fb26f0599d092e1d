"""Notifications from posts.actions (notify, mark_notifications_read,
dismiss_notification, clear_notifications) and the unread count."""

import pytest

from accounts.actions import follow, mute
from core.errors import NotAllowed, NotFound
from posts import actions
from posts.models import Notification


def unread(profile) -> int:
    return Notification.objects.filter(recipient=profile).unread().count()


def test_reply_mention_like_repost_and_follow_each_notify(pat, hana, olly):
    question = actions.create_post(user=hana.user, profile=hana.profile, text="Q1 #auslibchat")
    actions.create_post(user=pat.user, profile=pat.profile, text="A1", in_reply_to=question)
    actions.create_post(user=olly.user, profile=olly.profile, text="Hi @Hana")
    actions.like(user=pat.user, profile=pat.profile, post=question)
    actions.repost(user=olly.user, profile=olly.profile, post=question)
    follow(user=pat.user, profile=pat.profile, target=hana.profile)
    kinds = list(
        Notification.objects.filter(recipient=hana.profile)
        .order_by("id")
        .values_list("kind", "actor__handle")
    )
    assert kinds == [
        ("reply", "pat"),
        ("mention", "olly"),
        ("like", "pat"),
        ("repost", "olly"),
        ("follow", "pat"),
    ]
    assert unread(hana.profile) == 5


def test_a_reply_that_mentions_the_author_notifies_once(pat, hana):
    question = actions.create_post(user=hana.user, profile=hana.profile, text="Q1")
    actions.create_post(user=pat.user, profile=pat.profile, text="@hana A1", in_reply_to=question)
    assert Notification.objects.filter(recipient=hana.profile).count() == 1


def test_no_notification_for_ones_own_actions_or_from_muted_profiles(pat, hana):
    post = actions.create_post(user=hana.user, profile=hana.profile, text="Mine")
    actions.like(user=hana.user, profile=hana.profile, post=post)
    mute(user=hana.user, profile=hana.profile, target=pat.profile)
    actions.like(user=pat.user, profile=pat.profile, post=post)
    assert not Notification.objects.exists()


def test_reminders_carry_a_message_and_a_link(
    pat, capture_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note = actions.notify(
            recipient=pat.profile,
            kind="reminder",
            message="#auslibchat starts in 1 hour",
            link="/chats/auslibchat/",
        )
    assert note.safe_link == "/chats/auslibchat/"
    assert capture_events == [
        (
            [f"user:{pat.profile.id}"],
            {"type": "notification.created", "notification_id": str(note.id), "kind": "reminder"},
        )
    ]


def test_only_site_paths_and_web_addresses_are_links(pat):
    note = actions.notify(
        recipient=pat.profile, kind="reminder", message="x", link="javascript:alert(1)"
    )
    assert note.safe_link == ""
    note.link = "//evil.example/"
    assert note.safe_link == ""


def test_marking_read_clears_the_unread_count(pat, hana):
    post = actions.create_post(user=hana.user, profile=hana.profile, text="Q")
    actions.like(user=pat.user, profile=pat.profile, post=post)
    assert actions.mark_notifications_read(user=hana.user, profile=hana.profile) == 1
    assert unread(hana.profile) == 0


def test_only_someone_acting_as_the_profile_reads_its_notifications(pat, olly):
    with pytest.raises(NotAllowed):
        actions.mark_notifications_read(user=olly.user, profile=pat.profile)
    with pytest.raises(NotAllowed):
        actions.clear_notifications(user=olly.user, profile=pat.profile)


def test_dismiss_and_clear(pat, hana, olly):
    post = actions.create_post(user=hana.user, profile=hana.profile, text="Q")
    actions.like(user=pat.user, profile=pat.profile, post=post)
    actions.like(user=olly.user, profile=olly.profile, post=post)
    first, second = Notification.objects.filter(recipient=hana.profile).order_by("id")
    actions.dismiss_notification(user=hana.user, profile=hana.profile, notification_id=first.id)
    assert list(Notification.objects.for_profile(hana.profile)) == [second]
    with pytest.raises(NotFound):
        actions.dismiss_notification(user=hana.user, profile=hana.profile, notification_id=first.id)
    with pytest.raises(NotFound):
        actions.dismiss_notification(user=pat.user, profile=pat.profile, notification_id=second.id)
    actions.clear_notifications(user=hana.user, profile=hana.profile)
    assert not Notification.objects.for_profile(hana.profile).exists()
    assert unread(hana.profile) == 0
