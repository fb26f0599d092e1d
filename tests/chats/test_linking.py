from datetime import timedelta

import pytest

from chats import actions, scheduler
from chats.linking import answer_number
from chats.models import ChatPost
from posts.actions import create_post
from tests.chats.conftest import FEB_CHAT


@pytest.mark.parametrize(
    "text,number",
    [
        ("A3 patience and a smile", 3),
        ("A3: patience", 3),
        ("A3 - patience", 3),
        ("a3. patience", 3),
        ("A3", 3),
        ("A12) twelve", 12),
        ("@pat @hana A2 agreed", 2),
        ("#auslibchat A1 hello", 1),
        ("  A4 leading spaces", 4),
        ("Apple pie", None),
        ("A3x not an answer", None),
        ("I think A3 matters", None),
        ("Q3 is a question", None),
        ("A0 nothing", None),
        ("", None),
        ("A", None),
    ],
)
def test_answer_number(text, number):
    assert answer_number(text) == number


@pytest.fixture
def live(clock, event):
    """The chat at 12 minutes: the welcome and Q1 are out."""
    clock.move_to(FEB_CHAT + timedelta(minutes=16))
    scheduler.run_due()
    return event


def post(person, text, reply_to=None, profile=None):
    return create_post(
        user=person.user, profile=profile or person.profile, text=text, in_reply_to=reply_to
    )


def link(p):
    return ChatPost.objects.select_related("question").filter(post=p).first()


def test_a_prefix_with_the_hashtag_answers_that_question(live, pat):
    row = link(post(pat, "A2: too many meetings #auslibchat"))
    assert row.event == live
    assert row.question.number == 2
    assert row.via == "prefix"


def test_the_hashtag_matches_case_insensitively(live, pat):
    row = link(post(pat, "a1. A smile #AusLibChat"))
    assert row.question.number == 1


def test_a_post_with_the_hashtag_and_no_prefix_joins_without_a_question(live, pat):
    row = link(post(pat, "Hello from Sydney! #auslibchat"))
    assert row.event == live and row.question is None and row.via == "hashtag"


def test_a_prefix_for_a_question_that_does_not_exist_joins_without_a_question(live, pat):
    row = link(post(pat, "A9 what? #auslibchat"))
    assert row.event == live and row.question is None


def test_a_prefix_without_the_hashtag_and_without_a_reply_joins_nothing(live, pat):
    assert link(post(pat, "A1 forgot the tag")) is None


def test_posts_outside_the_window_join_nothing(clock, event, pat):
    clock.move_to(FEB_CHAT - timedelta(minutes=1))
    assert link(post(pat, "A1 early #auslibchat")) is None
    clock.move_to(event.window_ends_at + timedelta(seconds=1))
    assert link(post(pat, "A1 late #auslibchat")) is None


def test_posts_in_the_tail_window_still_join(clock, event, pat):
    clock.move_to(event.ends_at + timedelta(hours=24))
    row = link(post(pat, "A2 still thinking about this #auslibchat"))
    assert row.event == event and row.question.number == 2


def test_a_reply_to_a_question_answers_it_without_hashtag_or_prefix(live, pat):
    q2 = live.questions.get(number=2)
    row = link(post(pat, "Long queues", reply_to=q2.post))
    assert row.question == q2 and row.via == "reply"


def test_a_reply_anywhere_in_a_questions_thread_answers_it(live, pat, olly):
    q1 = live.questions.get(number=1)
    first = post(pat, "Listening", reply_to=q1.post)
    second = post(olly, "Yes, listening first", reply_to=first)
    third = post(pat, "@olly exactly", reply_to=second)
    assert link(third).question == q1


def test_a_reply_to_an_answer_inherits_its_question(live, pat, olly):
    answer = post(pat, "A2 budgets #auslibchat")
    row = link(post(olly, "Same here", reply_to=answer))
    assert row.question.number == 2 and row.event == live


def test_an_explicit_prefix_in_a_reply_wins(live, pat):
    q1 = live.questions.get(number=1)
    row = link(post(pat, "A2 answering the next one here", reply_to=q1.post))
    assert row.question.number == 2 and row.via == "prefix"


def test_a_reply_to_an_introduction_joins_the_event_without_a_question(live, pat, olly):
    hello = post(pat, "Hi all, Pat from Sydney #auslibchat")
    row = link(post(olly, "Welcome Pat!", reply_to=hello))
    assert row.event == live and row.question is None


def test_replies_to_posts_outside_any_event_join_nothing(live, pat, olly):
    other = post(pat, "Unrelated")
    assert link(post(olly, "Reply", reply_to=other)) is None


def test_joining_emits_a_chat_post_event(
    live, pat, capture_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        p = post(pat, "A2 staffing #auslibchat")
        reply = post(pat, "more", reply_to=p)
    chat = [e for streams, e in capture_events if streams == [f"event:{live.id}"]]
    assert chat == [
        {"type": "chat.post", "event_id": str(live.id), "post_id": str(p.id), "question": 2},
        {"type": "chat.post", "event_id": str(live.id), "post_id": str(reply.id), "question": 2},
    ]


def test_a_draft_event_links_nothing(clock, event, hana, pat):
    actions.update_event(user=hana.user, event=event, state="draft")
    clock.move_to(FEB_CHAT + timedelta(minutes=10))
    assert link(post(pat, "A1 hello #auslibchat")) is None


def test_the_question_the_scheduler_asks_is_passed_to_create_post_explicitly(event, ngac):
    question = event.questions.get(number=1)
    asked = create_post(
        user=None, profile=ngac, text=f"Q1 {question.text} #auslibchat", system=True, asks=question
    )
    link = ChatPost.objects.get(post=asked)
    assert (link.event_id, link.question_id, link.via) == (event.id, question.id, "question")


def test_a_post_that_asks_nothing_is_not_linked_as_a_question(event, ngac):
    question = event.questions.get(number=1)
    plain = create_post(user=None, profile=ngac, text=f"Q1 {question.text}", system=True)
    assert not ChatPost.objects.filter(post=plain, via="question").exists()
