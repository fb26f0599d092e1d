"""`hashchat demo`: the seeding is idempotent and complete, and the live hour plays
compressed, through the actions, with answers linked to their questions."""

from datetime import timedelta

import pytest
import time_machine
from django.db.models import Count
from django.utils import timezone

from accounts.models import Profile, User
from chats.models import ChatPost, Event, Question
from demo import cast as demo_cast
from demo import play_live, script, topics
from demo.seed import HASHTAG, seed
from posts.models import Like, Post

PARTICIPANTS = 60


def quiet(*_args) -> None:
    return None


@pytest.fixture
def seeded(db):
    return seed(seed=7, participants=PARTICIPANTS, log=quiet)


def answers_by_question(event: Event) -> dict:
    rows = (
        ChatPost.objects.filter(event=event, question__kind=Question.Kind.QUESTION)
        .values("question__number")
        .annotate(n=Count("id"))
    )
    return {row["question__number"]: row["n"] for row in rows}


def test_the_cast_is_varied_and_the_same_for_the_same_seed():
    people = demo_cast.build_cast(7, 150)
    assert len(people) == 150
    assert len({p.handle.lower() for p in people}) == 150
    assert len({p.timezone for p in people}) >= 15
    assert people == demo_cast.build_cast(7, 150)
    assert people != demo_cast.build_cast(8, 150)
    assert sum(1 for p in people if p.organisations) >= 3


def test_it_seeds_the_series_hosts_crowd_and_a_past_event_with_a_full_hour(seeded):
    series, event = seeded
    assert series.hashtag == HASHTAG
    assert series.organiser.handle == demo_cast.ORGANISER["handle"]
    assert [p.handle for p in series.cohosts.all()] == [demo_cast.COHOST["handle"]]
    assert Profile.objects.filter(kind=Profile.Kind.PERSONAL).count() == PARTICIPANTS + 2
    assert Profile.objects.filter(kind=Profile.Kind.ORGANISATION).count() == 1 + len(
        demo_cast.ORGANISATIONS
    )
    assert event.ends_at < timezone.now()
    assert [q.label for q in event.questions.all()] == [
        "Welcome",
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "Q5",
        "Closing",
    ]
    # Every timed post was made by the scheduler at its own time.
    for question in event.questions.all():
        assert question.post is not None
        assert question.posted_at == question.due_at()
        assert question.post.author_id == series.organiser_id
    answers = answers_by_question(event)
    assert sorted(answers) == [1, 2, 3, 4, 5]
    assert all(n >= 15 for n in answers.values())
    posts = Post.objects.filter(created_at__gte=event.starts_at, created_at__lt=event.ends_at)
    assert 250 <= posts.count() <= 500
    assert posts.filter(repost_of__isnull=False).exists()
    assert posts.filter(in_reply_to__isnull=False).count() >= 40
    assert Like.objects.count() >= 150

    # Seeding again changes nothing.
    counts = (Profile.objects.count(), Post.objects.count(), Event.objects.count())
    assert seed(seed=7, participants=PARTICIPANTS, log=quiet) == (series, event)
    assert (Profile.objects.count(), Post.objects.count(), Event.objects.count()) == counts

    # The printed logins work; the crowd's cannot be used.
    printed = [demo_cast.HOST, demo_cast.COHOST, demo_cast.PARTICIPANT]
    for spec in printed:
        assert User.objects.get(username=spec["username"]).check_password(spec["password"])
    crowd = User.objects.exclude(username__in=[spec["username"] for spec in printed])
    assert crowd.count() == PARTICIPANTS - 1


def test_the_live_hour_plays_compressed_through_the_scheduler_and_the_actions(seeded):
    lines: list[str] = []
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        started = timezone.now()
        event, tally = play_live(
            participants=PARTICIPANTS, speed=20, wait_until=traveller.move_to, log=lines.append
        )
        finished = timezone.now()
    # It starts a minute after the command and the hour takes three minutes.
    assert event.starts_at == (started + timedelta(minutes=1)).replace(microsecond=0)
    assert timedelta(minutes=2, seconds=40) < finished - event.starts_at <= timedelta(minutes=3)
    assert tally.questions == 7 and tally.refused == 0
    assert 300 <= tally.posts + tally.reposts + tally.questions <= 500
    questions = list(event.questions.order_by("position"))
    assert all(q.claimed_by == "demo" for q in questions)
    # Q3 is due 25 minutes in: compressed twenty times, 75 seconds in.
    q3 = next(q for q in questions if q.label == "Q3")
    assert q3.posted_at == event.starts_at + timedelta(seconds=75)
    assert sorted(answers_by_question(event)) == [1, 2, 3, 4, 5]
    text = "\n".join(lines)
    assert f"/chats/{HASHTAG}/events/{event.id}/room/" in text
    assert demo_cast.HOST["password"] in text and demo_cast.PARTICIPANT["password"] in text


def build_live_steps(seed: int = 7) -> list[script.Step]:
    return script.build(
        seed=seed,
        topic=topics.LIVE_TOPIC,
        cast=demo_cast.build_cast(seed, PARTICIPANTS),
        hashtag=HASHTAG,
        organiser=demo_cast.ORGANISER["handle"],
        host=demo_cast.HOST["handle"],
        cohost=demo_cast.COHOST["handle"],
        pre_chat=True,
    )


def test_the_pace_is_uneven_with_a_burst_after_each_question():
    steps = build_live_steps()
    posts = [s for s in steps if s.kind in ("post", "repost")]
    # Minute by minute: the minutes just after Q2 (15) are far busier than before it.
    per_minute = [sum(1 for s in posts if m <= s.at < m + 1) for m in range(60)]
    assert sum(per_minute[15:18]) > 3 * sum(per_minute[12:15])
    assert steps == build_live_steps()
    assert steps != build_live_steps(seed=8)
    assert all(len(s.text) <= 500 for s in steps)
    plan = script.plan(topics.LIVE_TOPIC)
    assert [item["offset"] for item in plan] == [0, 5, 15, 25, 35, 45, 55]
