"""Backup: `hashchat export --series TAG` and `hashchat import` round-trip a whole
series (events, questions, posts with their threads, counts, Q/A links, transcript
curation, the profiles involved) losslessly into an empty instance."""

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from accounts.models import Membership, Profile
from backup import series as backup
from chats import actions as chat_actions
from chats.actions.moderation import hide_post
from chats.models import ChatPost, Event, Question, Series
from chats.scheduler import run_due
from core.errors import Conflict, InvalidInput, NotFound
from posts import actions as post_actions
from posts.models import Hashtag, Post
from tests.server import ROOT, server_env
from transcripts import actions as transcript_actions
from transcripts.models import Transcript

T0 = datetime(2027, 2, 2, 11, 0, tzinfo=UTC)


def at(minutes: float):
    return time_machine.travel(T0 + timedelta(minutes=minutes), tick=False)


@pytest.fixture
def chat(hana, ngac, pat, olly):
    """A played #auslibchat event: timed posts, answers, a reply without the hashtag,
    likes, a repost, an edit, a deletion, a hidden post, then the hosts' curation of
    the frozen transcript."""
    with at(-60 * 24 * 10):
        series = chat_actions.create_series(
            user=hana.user,
            organiser=ngac,
            hashtag="AusLibChat",
            title="Australian library chat",
            description="Monthly.",
            timezone="Asia/Hong_Kong",
            rrule="FREQ=MONTHLY;BYDAY=1TU",
            start_time="19:00",
            cohosts=["pat"],
        )
        event = chat_actions.create_event(
            user=hana.user,
            series=series,
            occurrence_start=T0,
            topic="Customer Service",
            questions=[
                {"kind": "welcome", "text": "Welcome to #AusLibChat!", "offset": 0},
                {"kind": "question", "text": "What is good service?", "offset": 5},
                {"kind": "question", "text": "What gets in the way?", "offset": 15},
                {"kind": "closing", "text": "Thank you all!", "offset": 55},
            ],
        )
    with at(0):
        run_due()
    with at(6):
        run_due()
        a1 = post_actions.create_post(
            user=pat.user,
            profile=pat.profile,
            text="A1 Listening first, @olly knows https://example.org/service #AusLibChat",
        )
    with at(7):
        reply = post_actions.create_post(
            user=olly.user, profile=olly.profile, text="Agreed!", in_reply_to=a1
        )
        post_actions.like(user=olly.user, profile=olly.profile, post=a1)
        post_actions.like(user=hana.user, profile=ngac, post=a1)
        post_actions.repost(user=hana.user, profile=ngac, post=a1)
    with at(8):
        post_actions.edit_post(
            user=pat.user, post=a1, text="A1 Listening first, always. #AusLibChat"
        )
        gone = post_actions.create_post(
            user=olly.user, profile=olly.profile, text="A1 oops #AusLibChat"
        )
        post_actions.delete_post(user=olly.user, post=gone)
        rude = post_actions.create_post(
            user=olly.user, profile=olly.profile, text="A1 off-topic #AusLibChat"
        )
        hide_post(user=hana.user, profile=ngac, event=event, post=rude)
    with at(16):
        run_due()
        a2 = post_actions.create_post(
            user=olly.user, profile=olly.profile, text="A2: queues. #AusLibChat"
        )
        post_actions.create_post(user=pat.user, profile=pat.profile, text="A2 budgets #auslibchat")
    with at(55):
        run_due()
    with at(60 * 24 * 4):
        run_due()
        transcript_actions.freeze(event)
        transcript_actions.set_introduction(user=hana.user, event=event, text="What we said.")
        transcript_actions.mark_post(user=hana.user, event=event, post_id=a2.id, highlighted=True)
        transcript_actions.mark_post(user=hana.user, event=event, post_id=reply.id, hidden=True)
        transcript_actions.set_note(user=hana.user, event=event, group="q1", note="Listening!")
        transcript_actions.move_post(user=hana.user, event=event, post_id=a2.id, direction="down")
    return series


def empty_the_instance() -> None:
    Series.objects.all().delete()
    Post.objects.all().delete()
    Hashtag.objects.all().delete()
    Profile.objects.all().delete()


def round_trip(data: dict) -> dict:
    return json.loads(backup.dumps(data))


def test_export_import_export_gives_the_same_document(chat):
    first = backup.dumps(backup.export_series("auslibchat"))
    empty_the_instance()
    backup.import_series(json.loads(first))
    assert backup.dumps(backup.export_series("AusLibChat")) == first


def test_the_export_holds_the_whole_series(chat, ngac, pat, olly):
    data = round_trip(backup.export_series("#auslibchat"))
    assert data["series"]["hashtag"] == "AusLibChat"
    assert data["series"]["cohosts"] == [str(pat.profile.id)]
    handles = {p["handle"] for p in data["profiles"]}
    # The series' own account (@AusLibChat) travels with it.
    assert handles == {"NGAC", "pat", "olly", "AusLibChat"}
    (event,) = data["events"]
    assert [q["kind"] for q in event["questions"]] == ["welcome", "question", "question", "closing"]
    assert all(q["posted_at"] for q in event["questions"])
    texts = {p["text"] for p in data["posts"]}
    assert "Agreed!" in texts  # the reply without the hashtag, through its thread
    (a1,) = [p for p in data["posts"] if p["text"].startswith("A1 Listening first, always")]
    assert (a1["like_count"], a1["repost_count"], a1["reply_count"]) == (2, 1, 1)
    assert [e["text"] for e in a1["edits"]] == [
        "A1 Listening first, @olly knows https://example.org/service #AusLibChat"
    ]
    assert a1["hashtags"] == ["AusLibChat"]
    assert any(p["deleted_at"] for p in data["posts"])
    assert any(p["hidden_at"] and p["hidden_by_id"] == str(ngac.id) for p in data["posts"])
    assert any(p["repost_of_id"] == a1["id"] for p in data["posts"])
    (transcript,) = data["transcripts"]
    assert transcript["introduction"] == "What we said."
    assert transcript["frozen_at"]
    assert {(m["highlighted"], m["hidden"]) for m in transcript["marks"]} == {
        (True, False),
        (False, True),
    }
    assert [g["note"] for g in transcript["groups"] if g["group"] == "q1"] == ["Listening!"]
    assert not any("password" in json.dumps(p) for p in data["profiles"])


def test_an_imported_series_works_as_before(chat):
    before = {
        (link.post.text, link.question.label if link.question else None, link.via)
        for link in ChatPost.objects.select_related("post", "question")
    }
    data = round_trip(backup.export_series("auslibchat"))
    empty_the_instance()
    series = backup.import_series(data)
    after = {
        (link.post.text, link.question.label if link.question else None, link.via)
        for link in ChatPost.objects.select_related("post", "question")
    }
    assert after == before
    event = Event.objects.get(series=series)
    assert Question.objects.filter(event=event, post__isnull=False).count() == 4
    transcript = Transcript.objects.get(event=event)
    assert transcript.entries.count() > 0
    assert transcript.participant_ids
    # The organiser profile has no login until one is attached.
    assert not Membership.objects.filter(profile=series.organiser).exists()


def test_an_imported_profile_counts_what_this_instance_holds(chat, pat):
    from posts import stats

    data = round_trip(backup.export_series("auslibchat"))
    assert not any("post_count" in p or "follower_count" in p for p in data["profiles"])
    before = Post.objects.filter(author=pat.profile, deleted_at=None, hidden_at=None).count()
    empty_the_instance()
    backup.import_series(data)
    imported = Profile.objects.get(handle="pat")
    assert imported.post_count == before > 0
    assert stats.recount() == 0


def test_import_can_give_the_organiser_profile_an_owner(chat, hana):
    data = round_trip(backup.export_series("auslibchat"))
    empty_the_instance()
    series = backup.import_series(data, owner=hana.user)
    assert Membership.objects.filter(
        user=hana.user, profile=series.organiser, role="owner"
    ).exists()


def test_import_refuses_a_series_already_here_and_writes_nothing(chat):
    data = round_trip(backup.export_series("auslibchat"))
    posts = Post.objects.count()
    with pytest.raises(Conflict):
        backup.import_series(data)
    assert Post.objects.count() == posts


def test_import_refuses_a_handle_taken_by_another_profile(chat, hana):
    from accounts import actions as account_actions

    data = round_trip(backup.export_series("auslibchat"))
    empty_the_instance()
    account_actions.create_organisation(user=hana.user, handle="ngac")
    with pytest.raises(Conflict) as exc:
        backup.import_series(data)
    assert "@NGAC" in exc.value.message
    assert not Series.objects.exists()
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "document",
    [[], {"format": "other"}, {"format": "hashchat-series", "version": 99}],
)
def test_import_refuses_what_is_not_a_series_export(db, document):
    with pytest.raises(InvalidInput):
        backup.import_series(document)


def test_export_of_an_unknown_series_says_so(db):
    with pytest.raises(NotFound):
        backup.export_series("nosuchchat")


def test_the_command_line_round_trips_into_a_fresh_instance(chat, tmp_path):
    """`hashchat import` then `hashchat export` in a new, empty data dir (SQLite)."""
    first = backup.dumps(backup.export_series("auslibchat"))
    path = tmp_path / "auslibchat.json"
    path.write_text(first)
    env = server_env(tmp_path / "fresh", {"DATABASE_URL": "", "REDIS_URL": ""})
    (tmp_path / "fresh").mkdir()

    def hashchat(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "hashchat.cli", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
        )

    imported = hashchat("import", str(path))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "Imported #AusLibChat with 1 event."
    again = hashchat("import", str(path))
    assert again.returncode == 1
    assert "already on this instance" in again.stderr
    exported = hashchat("export", "--series", "auslibchat")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == first
