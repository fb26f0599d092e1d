from datetime import timedelta

import pytest
from django.core import mail

from chats import actions, reminders
from chats.models import Rsvp
from core.errors import InvalidInput, NotAllowed
from posts.models import Notification
from tests.chats.conftest import FEB_CHAT


def test_it_reminds_once_in_app_and_by_email(clock, event, pat):
    actions.rsvp(user=pat.user, profile=pat.profile, event=event, remind_minutes=60)
    clock.move_to(FEB_CHAT - timedelta(minutes=61))
    assert reminders.send_due() == 0
    clock.move_to(FEB_CHAT - timedelta(minutes=60))
    assert reminders.send_due() == 1
    assert reminders.send_due() == 0
    note = Notification.objects.get(recipient=pat.profile)
    assert note.kind == "reminder"
    assert note.message == "#auslibchat starts in 60 minutes: Customer Service"
    assert note.link == f"/chats/auslibchat/events/{event.id}/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pat@example.org"]
    assert f"/chats/auslibchat/events/{event.id}/" in mail.outbox[0].body
    # Pat is in Sydney: 22:00 there, 19:00 in Hong Kong.
    assert "Tue 2 Feb 2027, 22:00 AEDT your time" in mail.outbox[0].body
    assert "Tue 2 Feb 2027, 19:00 HKT for the organiser" in mail.outbox[0].body


def test_no_email_when_not_wanted(clock, event, pat):
    actions.rsvp(
        user=pat.user, profile=pat.profile, event=event, remind_minutes=10, remind_email=False
    )
    clock.move_to(FEB_CHAT - timedelta(minutes=5))
    assert reminders.send_due() == 1
    assert mail.outbox == []
    assert Notification.objects.filter(kind="reminder").count() == 1


def test_a_reminder_claimed_by_another_worker_is_not_sent_again(clock, event, pat):
    row = actions.rsvp(user=pat.user, profile=pat.profile, event=event, remind_minutes=10)
    clock.move_to(FEB_CHAT - timedelta(minutes=5))
    assert reminders.send_one(row, FEB_CHAT) is True
    assert reminders.send_one(row, FEB_CHAT) is False
    assert Notification.objects.filter(kind="reminder").count() == 1


def test_no_reminder_after_the_event_ended(clock, event, pat):
    actions.rsvp(user=pat.user, profile=pat.profile, event=event, remind_minutes=10)
    clock.move_to(FEB_CHAT + timedelta(hours=2))
    assert reminders.send_due() == 0
    assert not Notification.objects.exists()


def test_changing_the_reminder_time_sends_it_again(clock, event, pat):
    actions.rsvp(user=pat.user, profile=pat.profile, event=event, remind_minutes=1440)
    clock.move_to(FEB_CHAT - timedelta(days=1))
    assert reminders.send_due() == 1
    actions.rsvp(user=pat.user, profile=pat.profile, event=event, remind_minutes=30)
    clock.move_to(FEB_CHAT - timedelta(minutes=30))
    assert reminders.send_due() == 1


def test_rsvp_input_is_checked(clock, event, pat, olly):
    with pytest.raises(InvalidInput):
        actions.rsvp(user=pat.user, profile=pat.profile, event=event, remind_minutes=-5)
    with pytest.raises(NotAllowed):
        actions.rsvp(user=olly.user, profile=pat.profile, event=event, remind_minutes=10)
    assert not Rsvp.objects.exists()


def test_rsvp_page(client, clock, event, pat):
    client.force_login(pat.user)
    url = f"/chats/auslibchat/events/{event.id}/rsvp/"
    response = client.post(url, {"remind_minutes": "30", "remind_email": "on"})
    assert response.status_code == 302
    row = Rsvp.objects.get()
    assert (row.profile, row.remind_minutes, row.remind_email) == (pat.profile, 30, True)
    client.post(url, {"cancel": "1"})
    assert not Rsvp.objects.exists()
