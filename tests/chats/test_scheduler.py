import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.db.utils import OperationalError

from chats import scheduler
from chats.models import Event, Question
from posts.models import Post
from tests.chats.conftest import FEB_CHAT


def posted(event):
    return list(event.questions.exclude(post=None).order_by("offset_minutes"))


def test_it_posts_each_question_once_at_its_time(clock, event, ngac):
    clock.move_to(FEB_CHAT - timedelta(seconds=1))
    assert scheduler.run_due() == 0
    clock.move_to(FEB_CHAT + timedelta(minutes=5))
    assert scheduler.run_due() == 2
    assert scheduler.run_due() == 0
    welcome, q1 = posted(event)
    assert welcome.post.text == "Welcome to #auslibchat!"
    assert q1.post.text == "Q1 What does good service look like? #auslibchat"
    assert q1.post.author == ngac
    assert q1.posted_at == FEB_CHAT + timedelta(minutes=5)
    assert q1.delay_seconds == 0
    assert welcome.delay_seconds == 300
    assert Post.objects.filter(author=ngac).count() == 2
    # The question posts belong to the event, each linked to the question it asks.
    assert q1.post.chat.question == q1
    assert q1.post.chat.via == "question"


def test_the_whole_hour_posts_every_timed_post_once(clock, event, ngac):
    for minute in range(0, 70):
        clock.move_to(FEB_CHAT + timedelta(minutes=minute))
        scheduler.run_due()
    texts = list(
        Post.objects.filter(author=ngac).order_by("created_at").values_list("text", flat=True)
    )
    assert texts == [
        "Welcome to #auslibchat!",
        "Q1 What does good service look like? #auslibchat",
        "Q2 What gets in the way? #auslibchat",
        "Q3 Who does it best? #auslibchat",
        "Thank you all! #auslibchat",
    ]
    event.refresh_from_db()
    assert event.state == Event.State.ENDED


def test_it_announces_start_questions_and_end_once(
    clock, event, capture_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for minute in (0, 0, 5, 30, 56, 61, 62):
            clock.move_to(FEB_CHAT + timedelta(minutes=minute))
            scheduler.run_due()
    mine = [e for streams, e in capture_events if f"event:{event.id}" in streams]
    types = [e["type"] for e in mine]
    assert types[0] == "chat.started"
    assert types.count("chat.started") == 1
    assert types.count("chat.ended") == 1
    assert types[-1] == "chat.ended"
    questions = [e["question"] for e in mine if e["type"] == "chat.question"]
    assert [q["label"] for q in questions] == ["Welcome", "Q1", "Q2", "Q3", "Closing"]
    q1 = questions[1]
    assert q1["number"] == 1 and q1["kind"] == "question"
    assert q1["post_id"] == str(event.questions.get(number=1).post_id)
    assert "chat.post" not in types


def test_a_crash_between_claim_and_post_rolls_back_and_recovery_posts_late(
    clock, event, monkeypatch
):
    clock.move_to(FEB_CHAT + timedelta(minutes=5))
    real = scheduler.create_post
    calls = {"n": 0}

    def crash(**kwargs):
        calls["n"] += 1
        # The process dies after the claim, before the post is written.
        raise SystemExit("killed")

    monkeypatch.setattr(scheduler, "create_post", crash)
    with pytest.raises(SystemExit):
        scheduler.run_due(worker="w1")
    assert calls["n"] == 1
    assert not event.questions.filter(claimed_at__isnull=False).exists()
    assert not Post.objects.exists()

    # Restarted three minutes later, still during the chat.
    monkeypatch.setattr(scheduler, "create_post", real)
    clock.move_to(FEB_CHAT + timedelta(minutes=8))
    assert scheduler.run_due(worker="w2") == 2
    q1 = event.questions.get(number=1)
    assert q1.claimed_by == "w2"
    assert q1.posted_at == FEB_CHAT + timedelta(minutes=8)
    assert q1.delay_seconds == 180
    assert scheduler.run_due(worker="w1") == 0
    assert Post.objects.count() == 2


def test_a_failing_post_is_retried_on_the_next_run(clock, event, monkeypatch):
    clock.move_to(FEB_CHAT)

    def fail(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(scheduler, "create_post", fail)
    assert scheduler.run_due() == 0
    assert not event.questions.filter(claimed_at__isnull=False).exists()
    monkeypatch.undo()
    clock.move_to(FEB_CHAT + timedelta(seconds=30))
    assert scheduler.run_due() == 1
    assert event.questions.get(kind="welcome").delay_seconds == 30


def test_nothing_is_posted_after_the_event_ended(
    clock, event, capture_events, django_capture_on_commit_callbacks
):
    # Nothing ran during the chat; the worker comes back after the end.
    clock.move_to(FEB_CHAT + timedelta(minutes=61))
    with django_capture_on_commit_callbacks(execute=True):
        assert scheduler.run_due() == 0
        assert scheduler.run_due() == 0
    assert not Post.objects.exists()
    reasons = set(event.questions.values_list("skipped_reason", flat=True))
    assert reasons == {scheduler.ENDED_REASON}
    assert not event.questions.filter(claimed_at__isnull=True).exists()
    types = [e["type"] for streams, e in capture_events if f"event:{event.id}" in streams]
    assert types == ["chat.ended"]


def test_a_worker_back_during_the_chat_posts_the_missed_ones_late(clock, event):
    clock.move_to(FEB_CHAT + timedelta(minutes=20))
    assert scheduler.run_due() == 3
    delays = [(q.label, q.delay_seconds) for q in posted(event)]
    assert delays == [("Welcome", 1200), ("Q1", 900), ("Q2", 300)]


def test_when_the_clock_jumps_past_the_end_the_rest_is_skipped(clock, event):
    clock.move_to(FEB_CHAT + timedelta(minutes=6))
    scheduler.run_due()
    clock.move_to(FEB_CHAT + timedelta(days=1))
    scheduler.run_due()
    assert [q.label for q in posted(event)] == ["Welcome", "Q1"]
    skipped = event.questions.exclude(skipped_reason="")
    assert [q.label for q in skipped] == ["Q2", "Q3", "Closing"]
    # And back again: nothing more is posted.
    clock.move_to(FEB_CHAT + timedelta(minutes=30))
    assert scheduler.run_due() == 0


def test_a_draft_is_never_posted(clock, event, hana):
    from chats import actions

    actions.update_event(user=hana.user, event=event, state="draft")
    clock.move_to(FEB_CHAT + timedelta(minutes=30))
    assert scheduler.run_due() == 0
    assert not Question.objects.filter(claimed_at__isnull=False).exists()


def test_a_second_worker_finds_the_question_claimed(clock, event, monkeypatch):
    """Interleaved: worker B runs while worker A holds its claim, before A's post."""
    clock.move_to(FEB_CHAT)
    real = scheduler.create_post
    results = []

    def create_while_b_runs(**kwargs):
        results.append(scheduler.run_due(worker="B"))
        return real(**kwargs)

    monkeypatch.setattr(scheduler, "create_post", create_while_b_runs)
    assert scheduler.run_due(worker="A") == 1
    assert results == [0]
    welcome = event.questions.get(kind="welcome")
    assert welcome.claimed_by == "A"
    assert Post.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_post_each_question_once(hana, ngac):
    """Two threads, each with its own database connection, run the same due work."""
    import time_machine

    from chats import actions
    from tests.chats.conftest import NOW

    with time_machine.travel(NOW, tick=False) as clock:
        from datetime import date, time

        series = actions.create_series(
            user=hana.user,
            organiser=ngac,
            hashtag="racechat",
            title="Race",
            timezone="Asia/Hong_Kong",
            rrule="FREQ=MONTHLY;BYDAY=1TU",
            start_time=time(19, 0),
            start_date=date(2027, 1, 1),
        )
        event = actions.create_event(
            user=hana.user,
            series=series,
            occurrence_start=FEB_CHAT,
            topic="Racing",
            questions=[{"kind": "welcome", "text": "Welcome!", "offset": 0}]
            + [
                {"kind": "question", "text": f"Race question {n}?", "offset": 5 + 10 * n}
                for n in range(5)
            ],
        )
        clock.move_to(FEB_CHAT + timedelta(minutes=50))
        barrier = threading.Barrier(2)
        counts = []
        errors = []

        def work(name):
            # Like the worker loop: a busy database is retried on the next tick.
            try:
                barrier.wait()
                for _ in range(500):
                    try:
                        counts.append(scheduler.run_due(worker=name))
                        if not Question.objects.filter(
                            event=event, claimed_at__isnull=True, offset_minutes__lte=50
                        ).exists():
                            break
                    except OperationalError:
                        continue
            except Exception as e:  # shown on failure
                errors.append(e)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(n,)) for n in ("A", "B")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    # Welcome and Q1..Q5 (the closing post is due at 55), each posted once. A run that
    # met a busy database after posting loses its count, never its post.
    assert 1 <= sum(counts) <= 6
    assert Post.objects.filter(author=ngac).count() == 6
    assert event.questions.filter(post__isnull=False).count() == 6
    # (The series' account boosts each question: its reposts have no text.)
    texts = list(Post.objects.filter(repost_of__isnull=True).values_list("text", flat=True))
    assert len(texts) == len(set(texts))


def test_post_question_itself_refuses_after_the_end(clock, event):
    q1 = event.questions.get(number=1)
    assert scheduler.post_question(q1, now=event.ends_at, worker="late") is False
    q1.refresh_from_db()
    assert q1.post is None and q1.skipped_reason == scheduler.ENDED_REASON
