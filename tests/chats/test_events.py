from datetime import UTC, datetime, time, timedelta

import pytest

from chats import actions, scheduler
from chats.models import Event, Question, Series
from core.errors import Conflict, InvalidInput, NotAllowed
from tests.chats.conftest import FEB_CHAT


def plan(event):
    return [(q.label, q.offset_minutes, q.text) for q in event.questions.all()]


def test_the_default_plan(clock, series, hana):
    event = actions.create_event(
        user=hana.user, series=series, starts_at=FEB_CHAT + timedelta(days=28), topic="x"
    )
    assert [(label, offset) for label, offset, _ in plan(event)] == [
        ("Welcome", 0),
        ("Q1", 5),
        ("Q2", 15),
        ("Q3", 25),
        ("Q4", 35),
        ("Q5", 45),
        ("Closing", 55),
    ]
    # A start at one of the rule's dates is that occurrence.
    assert event.occurrence_start == FEB_CHAT + timedelta(days=28)
    assert event.window_ends_at == event.ends_at + timedelta(hours=72)


def test_a_one_off_event_at_a_time_of_its_own(clock, series, hana):
    extra = datetime(2027, 2, 10, 3, 0, tzinfo=UTC)
    event = actions.create_event(user=hana.user, series=series, starts_at=extra, topic="Extra")
    assert event.occurrence_start is None and event.starts_at == extra


def test_moving_a_question_up_swaps_its_slot_and_renumbers(clock, event, hana):
    q3 = event.questions.get(number=3)
    actions.move_question(user=hana.user, question=q3, direction="up")
    assert plan(event)[1:4] == [
        ("Q1", 5, "What does good service look like?"),
        ("Q2", 15, "Who does it best?"),
        ("Q3", 25, "What gets in the way?"),
    ]
    q1 = event.questions.get(number=1)
    actions.move_question(user=hana.user, question=q1, direction="down")
    assert plan(event)[1][2] == "Who does it best?"
    assert plan(event)[2][2] == "What does good service look like?"


def test_editing_and_adding_and_removing_questions(clock, event, hana):
    q2 = event.questions.get(number=2)
    actions.update_question(user=hana.user, question=q2, text="What blocks us?", offset=20)
    actions.add_question(user=hana.user, event=event, text="One more", offset=10)
    assert [(label, offset) for label, offset, _ in plan(event)] == [
        ("Welcome", 0),
        ("Q1", 5),
        ("Q2", 10),
        ("Q3", 20),
        ("Q4", 25),
        ("Closing", 55),
    ]
    actions.delete_question(user=hana.user, question=event.questions.get(number=2))
    assert [label for label, _, _ in plan(event)] == ["Welcome", "Q1", "Q2", "Q3", "Closing"]


@pytest.mark.parametrize("offset", [-1, 60, 600, "soon"])
def test_offsets_outside_the_duration_are_refused(clock, event, hana, offset):
    before = plan(event)
    with pytest.raises(InvalidInput):
        actions.add_question(user=hana.user, event=event, text="Late", offset=offset)
    with pytest.raises(InvalidInput):
        actions.update_question(
            user=hana.user, question=event.questions.get(number=1), offset=offset
        )
    assert plan(event) == before


def test_a_question_already_posted_cannot_change(clock, event, hana):
    clock.move_to(FEB_CHAT + timedelta(minutes=6))
    scheduler.run_due()
    q1 = event.questions.get(number=1)
    before = plan(event)
    for attempt in (
        lambda: actions.update_question(user=hana.user, question=q1, text="Changed"),
        lambda: actions.delete_question(user=hana.user, question=q1),
        lambda: actions.move_question(user=hana.user, question=q1, direction="down"),
        # Moving Q2 up would swap it with the posted Q1.
        lambda: actions.move_question(
            user=hana.user, question=event.questions.get(number=2), direction="up"
        ),
        # Adding one before Q1 would renumber it.
        lambda: actions.add_question(user=hana.user, event=event, text="Early", offset=2),
    ):
        with pytest.raises(Conflict):
            attempt()
    assert plan(event) == before


def test_later_questions_can_still_change_during_the_chat(clock, event, hana):
    clock.move_to(FEB_CHAT + timedelta(minutes=6))
    scheduler.run_due()
    q3 = event.questions.get(number=3)
    actions.update_question(user=hana.user, question=q3, text="Who inspires you?")
    clock.move_to(FEB_CHAT + timedelta(minutes=25))
    scheduler.run_due()
    assert event.questions.get(number=3).post.text == "Q3 Who inspires you? #auslibchat"


def test_only_hosts_plan_and_edit_events(clock, event, series, olly, pat):
    with pytest.raises(NotAllowed):
        actions.create_event(user=olly.user, series=series, starts_at=FEB_CHAT, topic="x")
    with pytest.raises(NotAllowed):
        actions.update_question(user=olly.user, question=event.questions.get(number=1), text="Mine")
    with pytest.raises(NotAllowed):
        actions.update_event(user=pat.user, event=event, topic="Pat's")
    event.refresh_from_db()
    assert event.topic == "Customer Service"


def test_cohosts_run_events_but_do_not_edit_the_series(clock, event, series, hana, pat):
    actions.update_series(user=hana.user, series=series, cohosts=["pat"])
    actions.update_event(user=pat.user, event=event, topic="Service with a smile")
    with pytest.raises(NotAllowed):
        actions.update_series(user=pat.user, series=series, title="Pat's chat")


def test_moving_an_event_moves_its_occurrence(clock, event, series, hana):
    later = FEB_CHAT + timedelta(hours=2)
    actions.update_event(user=hana.user, event=event, starts_at=later)
    event.refresh_from_db()
    assert (event.starts_at, event.ends_at) == (later, later + timedelta(hours=1))
    from chats import recurrence

    assert recurrence.occurrences(series, FEB_CHAT - timedelta(days=1), 1) == [later]


def test_an_event_that_has_begun_cannot_move_or_be_deleted(clock, event, hana):
    clock.move_to(FEB_CHAT)
    scheduler.run_due()
    with pytest.raises(Conflict):
        actions.update_event(user=hana.user, event=event, starts_at=FEB_CHAT + timedelta(days=1))
    with pytest.raises(Conflict):
        actions.delete_event(user=hana.user, event=event)
    with pytest.raises(Conflict):
        actions.update_event(user=hana.user, event=event, state="draft")
    assert Event.objects.filter(pk=event.pk, starts_at=FEB_CHAT).exists()


def test_a_question_that_would_not_fit_in_a_post_is_refused(clock, event, hana):
    with pytest.raises(InvalidInput):
        actions.add_question(user=hana.user, event=event, text="x" * 401, offset=30)
    with pytest.raises(InvalidInput):
        actions.add_question(user=hana.user, event=event, text="", offset=30)


def test_the_hashtag_is_unique_case_insensitively(clock, series, hana, ngac):
    with pytest.raises(Conflict):
        actions.create_series(
            user=hana.user,
            organiser=ngac,
            hashtag="#AUSLIBCHAT",
            title="Copy",
            timezone="UTC",
            rrule="FREQ=WEEKLY",
            start_time=time(9, 0),
        )
    assert Series.objects.count() == 1


def test_a_skipped_occurrence_with_an_event_is_refused(clock, event, series, hana):
    with pytest.raises(Conflict):
        actions.skip_occurrence(user=hana.user, series=series, original=FEB_CHAT)


def test_an_event_cannot_be_planned_on_a_skipped_date(clock, series, hana):
    mar = FEB_CHAT + timedelta(days=28)
    actions.skip_occurrence(user=hana.user, series=series, original=mar)
    with pytest.raises(InvalidInput):
        actions.create_event(user=hana.user, series=series, occurrence_start=mar, topic="x")
    assert not Question.objects.exists()
