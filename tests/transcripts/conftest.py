"""A fixture chat: #auslibchat on Tuesday 2 February 2027 at 19:00 Hong Kong time
(11:00 UTC), hosted by NGAC, with a welcome, three questions and a closing post,
answered by Pat, HKLibConnect, Olly and Wendy (who asked to be left out of
transcripts). `chat.post(minute, ...)` posts at that minute after the start."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine

from chats import actions as chat_actions
from chats import scheduler
from chats.models import Event, Question, Series
from posts import actions as post_actions
from posts.models import Post
from tests.conftest import Person, make_person

NOW = datetime(2027, 1, 20, 12, 0, tzinfo=UTC)
START = datetime(2027, 2, 2, 11, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def wendy(db) -> Person:
    person = make_person("wendy", display_name="Wendy", location="Wellington")
    person.profile.exclude_from_transcripts = True
    person.profile.save(update_fields=["exclude_from_transcripts"])
    return person


@pytest.fixture
def series(clock, hana, ngac) -> Series:
    return chat_actions.create_series(
        user=hana.user,
        organiser=ngac,
        hashtag="auslibchat",
        title="Australian library chat",
        timezone="Asia/Hong_Kong",
        rrule="FREQ=MONTHLY;BYDAY=1TU",
        start_time=time(19, 0),
        start_date=date(2027, 1, 1),
    )


def plan_event(hana, series, start=START, topic="Customer Service") -> Event:
    return chat_actions.create_event(
        user=hana.user,
        series=series,
        occurrence_start=start,
        topic=topic,
        questions=[
            {"kind": "welcome", "text": "Welcome to #auslibchat!", "offset": 0},
            {"kind": "question", "text": "What does good service look like?", "offset": 5},
            {"kind": "question", "text": "What gets in the way?", "offset": 15},
            {"kind": "question", "text": "Who does it best?", "offset": 25},
            {"kind": "closing", "text": "Thank you all!", "offset": 55},
        ],
    )


@pytest.fixture
def event(series, hana) -> Event:
    return plan_event(hana, series)


@dataclass
class Chat:
    event: Event
    clock: Any
    posts: dict[str, Post] = field(default_factory=dict)

    def at(self, minute: float) -> None:
        self.clock.move_to(self.event.starts_at + timedelta(minutes=minute))

    def ask(self, minute: float, kind: str, number: int | None = None) -> Post:
        self.at(minute)
        question = self.event.questions.get(kind=kind, number=number)
        scheduler.post_question(
            question, now=self.event.starts_at + timedelta(minutes=minute), worker="t"
        )
        question.refresh_from_db()
        assert question.post is not None
        return question.post

    def post(
        self, name: str, minute: float, person, text: str, reply_to: str | None = None, profile=None
    ) -> Post:
        self.at(minute)
        post = post_actions.create_post(
            user=person.user,
            profile=profile or person.profile,
            text=text,
            in_reply_to=self.posts[reply_to] if reply_to else None,
        )
        self.posts[name] = post
        return post

    def question(self, number: int) -> Question:
        return self.event.questions.get(number=number)


@pytest.fixture
def chat(event, clock, hana, pat, olly, hklibconnect, wendy) -> Chat:
    """The whole hour and a little after; see the module docstring."""
    c = Chat(event, clock)
    c.post("early", -30, pat, "Looking forward to #auslibchat tonight")
    c.posts["welcome"] = c.ask(0, "welcome")
    c.post("intro_pat", 1, pat, "Hi from Sydney! #auslibchat")
    c.post("hello_olly", 2, olly, "Hello everyone, first time here", reply_to="welcome")
    c.posts["q1"] = c.ask(5, "question", 1)
    c.post("a1_pat", 6, pat, "A1 Good service is listening https://example.org/listen #auslibchat")
    c.post("a1_reply", 7, olly, "Agreed, listening first", reply_to="a1_pat")
    c.post("a1_reply2", 7.5, pat, "Thanks Olly https://example.org/listen", reply_to="a1_reply")
    c.post("a1_hk", 8, pat, "A1 Smiles and patience", reply_to="q1", profile=hklibconnect)
    c.post("a1_wendy", 9, wendy, "A1 secret words https://example.org/private #auslibchat")
    c.post("a1_wendy_reply", 9.5, olly, "Nice one Wendy", reply_to="a1_wendy")
    c.posts["q2"] = c.ask(15, "question", 2)
    c.post("a2_olly", 16, olly, "A2 long queues #auslibchat https://example.org/queues")
    c.post("a1_late", 17, pat, "a1 late thought: follow up #auslibchat")
    c.post("off_topic", 18, olly, "Lunch was good today")
    c.at(20)
    post_actions.repost(user=pat.user, profile=pat.profile, post=c.posts["a2_olly"])
    post_actions.repost(user=olly.user, profile=olly.profile, post=c.posts["a1_pat"])
    post_actions.like(user=hana.user, profile=hana.profile, post=c.posts["a1_pat"])
    post_actions.like(user=olly.user, profile=olly.profile, post=c.posts["a1_pat"])
    post_actions.like(user=pat.user, profile=pat.profile, post=c.posts["a2_olly"])
    post_actions.like(user=olly.user, profile=olly.profile, post=c.posts["a1_wendy"])
    post_actions.like(user=pat.user, profile=pat.profile, post=c.posts["a1_wendy"])
    post_actions.like(user=hana.user, profile=hana.profile, post=c.posts["a1_wendy"])
    c.posts["q3"] = c.ask(25, "question", 3)
    c.post("q3_hana", 30, hana, "Our local branch does it best #auslibchat")
    c.posts["closing"] = c.ask(55, "closing")
    c.post("after", 70, olly, "Thanks all, great chat #auslibchat")
    c.post("late_reply", 60 * 24, pat, "Still thinking about this", reply_to="a2_olly")
    c.at(60 * 24 + 1)
    return c
