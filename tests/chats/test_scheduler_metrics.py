"""The scheduler's figures: how late questions went out, and how long one waits."""

from datetime import timedelta

from chats import scheduler
from tests.chats.conftest import FEB_CHAT
from tests.metrics import sample


def test_question_delay_is_recorded_once_committed(
    clock, event, django_capture_on_commit_callbacks
):
    count = sample("hashchat_question_delay_seconds_count")
    on_time = sample("hashchat_question_delay_seconds_bucket", le="0.5")
    clock.move_to(FEB_CHAT + timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert scheduler.run_due() == 2
    # The welcome (due at the start) went out 300 s late, Q1 on time.
    assert sample("hashchat_question_delay_seconds_count") == count + 2
    assert sample("hashchat_question_delay_seconds_bucket", le="0.5") == on_time + 1
    assert sample("hashchat_scheduler_lag_seconds") == 0.0


def test_scheduler_lag_is_the_oldest_due_questions_wait(clock, event):
    clock.move_to(FEB_CHAT + timedelta(minutes=7))
    # The welcome was due at the start, Q1 at five minutes: nobody posted them.
    assert scheduler.lag() == 7 * 60
    assert sample("hashchat_scheduler_lag_seconds") == 7 * 60
