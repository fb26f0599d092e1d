"""Archiving a chat held elsewhere: the tag timelines of the named servers are read
(paged back with max_id), every post in the window is brought in once through its
ActivityPub id, the named account's Q1.. posts become the questions, and the
transcript groups the answers under them as for a chat run here."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from chats.models import ChatPost
from core.errors import Conflict, InvalidInput, NotAllowed
from gathering import archive as archives
from gathering.models import Archive
from posts.models import Post
from tests.chats.conftest import clock, series  # noqa: F401 (fixtures)
from tests.federation.conftest import THERE
from tests.mastodon_api.conftest import ApiClient, make_token
from transcripts.building import build

START = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)
TIMELINE = f"{THERE}/api/v1/timelines/tag/auslibchat"


def status(chat_b, number: int, author: str, minutes: float, content: str, **extra) -> dict:
    """A note on chat-b.test and its Mastodon API status in the tag timeline."""
    when = START + timedelta(minutes=minutes)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    note = chat_b.note(number, f"<p>{content}</p>", author=author, published=stamp, **extra)
    return {
        "id": str(1000 + number),
        "uri": note["id"],
        "url": note["url"],
        "created_at": stamp.replace("Z", ".000Z"),
        "account": {"acct": author},
        "content": f"<p>{content}</p>",
        "visibility": "public",
        "in_reply_to_id": None,
        "reblog": None,
    }


@pytest.fixture
def held_elsewhere(chat_b):
    """#auslibchat held on chat-b.test on 12 January, Pat asking."""
    chat_b.actor("sam")
    q1 = status(chat_b, 1, "pat", 1, "Q1 What brings you here? #auslibchat")
    statuses = [
        status(chat_b, 2, "sam", 0.5, "Hello from Perth #auslibchat"),
        q1,
        status(chat_b, 3, "sam", 3, "A1 The books #auslibchat"),
        status(chat_b, 4, "pat", 10, "Q2 What keeps you here? #auslibchat"),
        status(chat_b, 5, "sam", 12, "A2 The people #auslibchat"),
        status(
            chat_b,
            6,
            "sam",
            14,
            "Still the books, really #auslibchat",
            inReplyTo=q1["uri"],
        ),
        status(chat_b, 7, "sam", 90, "Late thoughts #auslibchat"),  # after the window
    ]
    newest_first = sorted(statuses, key=lambda s: s["created_at"], reverse=True)
    chat_b.objects[f"{TIMELINE}?limit=40"] = newest_first[:4]
    chat_b.objects[f"{TIMELINE}?limit=40&max_id={newest_first[3]['id']}"] = newest_first[4:]
    chat_b.objects[f"{TIMELINE}?limit=40&max_id={newest_first[-1]['id']}"] = []
    return statuses


def archive_of(series, **extra) -> Archive:  # noqa: F811
    values: dict[str, Any] = {
        "starts_at": START,
        "ends_at": START + timedelta(hours=1),
        "host_acct": "@pat@chat-b.test",
        "servers": ["chat-b.test"],
        "topic": "Why libraries",
    }
    values.update(extra)
    return archives.request_archive(user=None, profile=None, series=series, system=True, **values)


def test_an_archive_builds_the_transcript_of_a_chat_held_elsewhere(series, held_elsewhere):  # noqa: F811
    seen = []
    done = archives.build(archive_of(series), progress=lambda a: seen.append(a.state))
    assert done.state == Archive.State.DONE
    assert (done.found, done.imported, done.skipped, done.questions) == (6, 6, 0, 2)
    assert done.pages_read == 3
    assert seen[0] == Archive.State.GATHERING and seen[-1] == Archive.State.DONE
    event = done.event
    assert [(q.number, q.post.uri) for q in event.questions.all()] == [
        (1, f"{THERE}/users/pat/statuses/1"),
        (2, f"{THERE}/users/pat/statuses/4"),
    ]
    built = build(event, live=True)
    by_uri = {Post.objects.get(pk=i).uri: item for i, item in built.items.items()}
    groups = {uri.rsplit("/", 1)[1]: item.group for uri, item in by_uri.items()}
    assert groups == {"2": "welcome", "1": "q1", "3": "q1", "6": "q1", "4": "q2", "5": "q2"}
    assert len(built.items) == 6
    # The same window again is refused: the chat has its archive.
    with pytest.raises(Conflict):
        archive_of(series)


def test_posts_listed_by_several_servers_come_in_once(series, held_elsewhere, chat_b):  # noqa: F811
    other = "https://chat-b.test:8443/api/v1/timelines/tag/auslibchat"
    for url, page in list(chat_b.objects.items()):
        if url.startswith(TIMELINE):
            chat_b.objects[url.replace(TIMELINE, other)] = page
    done = archives.build(archive_of(series, servers=["chat-b.test", "chat-b.test:8443"]))
    assert (done.found, done.imported, done.problems) == (6, 6, [])
    assert Post.objects.filter(uri__startswith=THERE, repost_of__isnull=True).count() == 6


def test_a_server_that_fails_is_reported_and_the_others_still_read(series, held_elsewhere):  # noqa: F811
    done = archives.build(archive_of(series, servers=["chat-b.test", "https://chat-b.test:8443"]))
    assert done.state == Archive.State.DONE and done.found == 6
    assert done.problems == [
        "https://chat-b.test:8443: https://chat-b.test:8443 answered HTTP 404 for #auslibchat"
    ]


def test_a_host_marks_a_question_the_prefixes_missed(series, held_elsewhere, hana):  # noqa: F811
    done = archives.build(archive_of(series, host_acct="someone@else.test"))
    assert done.questions == 0
    q1_post = Post.objects.get(uri=f"{THERE}/users/pat/statuses/1")
    archives.mark_question(user=hana.user, event=done.event, post=q1_post, number=1)
    built = build(done.event, live=True)
    answer = Post.objects.get(uri=f"{THERE}/users/sam/statuses/3")
    reply = Post.objects.get(uri=f"{THERE}/users/sam/statuses/6")
    assert built.items[answer.id].group == "q1" and built.items[reply.id].group == "q1"
    assert ChatPost.objects.get(post=q1_post).via == "question"


def test_the_worker_builds_queued_archives_once(series, held_elsewhere, hana, ngac):  # noqa: F811
    queued = archives.request_archive(
        user=hana.user,
        profile=ngac,
        series=series,
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        host_acct="pat@chat-b.test",
        servers="chat-b.test",
    )
    assert archives.run_next() == 1
    assert archives.run_next() == 0
    queued.refresh_from_db()
    assert queued.state == Archive.State.DONE and queued.imported == 6


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": START - timedelta(minutes=1)}, "ends_at"),
        ({"ends_at": START + timedelta(days=8)}, "ends_at"),
        ({"host_acct": "pat"}, "host_acct"),
        ({"servers": []}, "servers"),
        ({"servers": ["ftp://x"]}, "servers"),
    ],
)
def test_bad_requests_are_refused_field_by_field(series, change, field):  # noqa: F811
    with pytest.raises(InvalidInput) as refused:
        archive_of(series, **change)
    assert refused.value.field == field
    assert not Archive.objects.exists()


def test_only_a_host_archives(series, olly):  # noqa: F811
    with pytest.raises(NotAllowed):
        archives.request_archive(
            user=olly.user,
            profile=olly.profile,
            series=series,
            starts_at=START,
            ends_at=START + timedelta(hours=1),
            host_acct="pat@chat-b.test",
            servers="chat-b.test",
        )


def test_the_api_queues_an_archive_and_shows_its_progress(series, held_elsewhere, app, hana, ngac):  # noqa: F811
    # A token acts as its one profile: the organiser's, which hosts the series.
    as_hana = ApiClient(make_token(app, hana, profile=ngac))
    body = {
        "starts_at": START.isoformat(),
        "ends_at": (START + timedelta(hours=1)).isoformat(),
        "host_acct": "pat@chat-b.test",
        "servers": ["chat-b.test"],
        "topic": "Why libraries",
    }
    made = as_hana.post("/api/hashchat/v1/series/auslibchat/archives", body)
    assert made.status_code == 201, made.content
    assert made.json()["state"] == "queued"
    archives.run_next()
    seen = as_hana.get(f"/api/hashchat/v1/archives/{made.json()['id']}").json()
    assert seen["state"] == "done" and seen["progress"]["imported"] == 6
    assert seen["progress"]["percent"] == 100 and seen["event_id"]
    bad = as_hana.post("/api/hashchat/v1/series/auslibchat/archives", {**body, "servers": []})
    assert bad.status_code == 422 and "server" in bad.json()["error"]
    assert Client().get(f"/api/hashchat/v1/archives/{made.json()['id']}").status_code == 404


def test_the_host_pages_archive_and_show_progress(series, held_elsewhere, hana):  # noqa: F811
    client = Client()
    client.force_login(hana.user)
    assert "Archive a chat held elsewhere" in client.get("/chats/auslibchat/").content.decode()
    form = {
        "topic": "Why libraries",
        "starts_at": "2027-01-12T17:00",
        "ends_at": "2027-01-12T18:00",
        "timezone": "Asia/Hong_Kong",
        "host_acct": "pat@chat-b.test",
        "servers": "chat-b.test",
    }
    wrong = client.post("/chats/auslibchat/archives/new/", {**form, "host_acct": "pat"})
    assert wrong.status_code == 400 and 'id="id_host_acct_error"' in wrong.content.decode()
    made = client.post("/chats/auslibchat/archives/new/", form)
    assert made.status_code == 302
    row = Archive.objects.get()
    assert row.starts_at == START
    page = client.get(made["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page and "Waiting to start" in page
    archives.run_next()
    page = client.get(made["Location"]).content.decode()
    assert "Read the transcript" in page and "6 brought in" in page
    assert Client().get(made["Location"]).status_code == 404


def test_the_command_line_archives_with_progress(series, held_elsewhere, capsys):  # noqa: F811
    from gathering.command import run
    from hashchat.cli import build_parser

    args = build_parser().parse_args(
        [
            "archive",
            "--server", "https://chat-b.test",
            "--tag", "auslibchat",
            "--from", "2027-01-12T09:00Z",
            "--to", "2027-01-12T10:00:00+00:00",
            "--host", "pat@chat-b.test",
        ]
    )  # fmt: skip
    assert run(args) == 0
    err = capsys.readouterr()
    assert "importing:" in err.err and "done: 6 posts, 2 questions, 0 skipped" in err.err
    event = Archive.objects.get().event
    assert err.out.strip() == f"/chats/auslibchat/events/{event.id}/transcript/"
    again = build_parser().parse_args(
        ["archive", "--server", "x.test", "--tag", "nochat", "--from", "2027-01-12T09:00",
         "--to", "2027-01-12T10:00", "--host", "pat@x.test"]
    )  # fmt: skip
    assert run(again) == 2
    assert "name its organiser with --organiser" in capsys.readouterr().err


def test_only_hosts_see_an_archive_or_mark_its_questions(series, held_elsewhere, olly):  # noqa: F811
    done = archives.build(archive_of(series, host_acct="someone@else.test"))
    post = Post.objects.get(uri=f"{THERE}/users/pat/statuses/1")
    client = Client()
    client.force_login(olly.user)
    page = f"/chats/auslibchat/archives/{done.pk}/"
    assert client.get(page).status_code == 404
    marked = client.post(page + "questions/", {"post": str(post.id), "number": "1"})
    assert marked.status_code == 404
    assert not done.event.questions.exists()
