"""A host is reminded once, a day before, when an event's questions are still
placeholders ("Question N")."""

from datetime import timedelta

from django.core import mail

from chats import actions, reminders
from posts.models import Notification
from tests.chats.conftest import FEB_CHAT


def test_hosts_are_told_a_day_before_that_questions_are_missing(clock, series, hana, ngac):
    event = actions.create_event(
        user=hana.user, series=series, occurrence_start=FEB_CHAT, topic="Makerspaces"
    )
    clock.move_to(FEB_CHAT - timedelta(hours=25))
    assert reminders.send_due() == 0
    clock.move_to(FEB_CHAT - timedelta(hours=23))
    assert reminders.send_due() == 1
    note = Notification.objects.get(recipient=ngac, kind="reminder")
    assert "Q1, Q2, Q3, Q4 and Q5 are still a placeholder" in note.message
    assert note.link == f"/chats/auslibchat/events/{event.id}/edit/"
    assert [m.to for m in mail.outbox] == [[hana.user.email]]
    assert "questions missing" in mail.outbox[0].subject
    # Once only.
    clock.move_to(FEB_CHAT - timedelta(hours=2))
    assert reminders.send_due() == 0


def test_an_event_with_its_questions_written_needs_no_reminder(clock, event):
    clock.move_to(FEB_CHAT - timedelta(hours=2))
    assert reminders.send_due() == 0
    assert not mail.outbox
