"""Every write page refuses those without the right, with the cast: Olly cannot act as
Pat or as the hosts, and the same request from the rightful person works. Tokens
and the APIs are in test_authorisation_api.py.

Each row of a table names the endpoint, who tries, and what must stay unchanged.
The generated matrix over every route is in test_matrix.py.
CSRF is tested elsewhere: here the clients skip it, so only authorisation decides."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from posts.models import Notification
from tests.security.snapshots import (
    snapshot_archives,
    snapshot_chat,
    snapshot_notifications,
    snapshot_post,
    snapshot_posts_by,
    snapshot_transcript,
    snapshot_watched,
)


@dataclass
class Attempt:
    name: str
    method: str
    path: str  # formatted with the world's ids
    data: dict
    state: Callable  # what must not change, read before and after


PAGE_ATTEMPTS = [
    Attempt(
        "edit Pat's post", "post", "/posts/{pat_post}/edit/", {"text": "hacked"}, snapshot_post
    ),
    Attempt("delete Pat's post", "post", "/posts/{pat_post}/delete/", {}, snapshot_post),
    Attempt(
        "post as Pat",
        "post",
        "/posts/new/",
        {"text": "as pat #auslibchat", "profile": "{pat_profile}"},
        snapshot_posts_by("pat_profile"),
    ),
    Attempt(
        "post as HKLibConnect",
        "post",
        "/posts/new/",
        {"text": "as the library", "profile": "{org}"},
        snapshot_posts_by("org_profile"),
    ),
    Attempt(
        "post as Pat in the room",
        "post",
        "/chats/auslibchat/events/{event}/room/post",
        {"text": "as pat", "profile": "{pat_profile}"},
        snapshot_posts_by("pat_profile"),
    ),
    Attempt(
        "post as NGAC in the room",
        "post",
        "/chats/auslibchat/events/{event}/room/post",
        {"text": "as the host", "profile": "{ngac}"},
        snapshot_posts_by("ngac"),
    ),
    Attempt(
        "hide a post in the room",
        "post",
        "/chats/auslibchat/events/{event}/room/posts/{pat_post}/hide",
        {},
        snapshot_post,
    ),
    Attempt(
        "hide a post of the event",
        "post",
        "/chats/auslibchat/events/{event}/posts/{pat_post}/hide/",
        {"as": "{ngac}"},
        snapshot_post,
    ),
    Attempt(
        "edit the series",
        "post",
        "/chats/auslibchat/edit/",
        {
            "organiser": "{ngac}",
            "hashtag": "auslibchat",
            "title": "hacked",
            "description": "hacked",
            "timezone": "Asia/Hong_Kong",
            "repeat": "advanced",
            "week_of_month": "1",
            "weekday": "TU",
            "rrule": "FREQ=MONTHLY;BYDAY=1TU",
            "start_time": "19:00",
            "start_date": "2027-01-01",
            "duration_minutes": "60",
            "tail_hours": "72",
            "is_public": "on",
        },
        snapshot_chat,
    ),
    Attempt(
        "change the chat account's settings",
        "post",
        "/chats/auslibchat/account/",
        {"boost_outside_events": "on"},
        snapshot_chat,
    ),
    Attempt(
        "archive a chat held elsewhere",
        "post",
        "/chats/auslibchat/archives/new/",
        {
            "starts_at": "2027-01-12T17:00",
            "ends_at": "2027-01-12T18:00",
            "timezone": "UTC",
            "host_acct": "pat@chat-b.test",
            "servers": "chat-b.test",
        },
        snapshot_archives,
    ),
    Attempt(
        "watch another server for the hashtag",
        "post",
        "/chats/auslibchat/watched/",
        {"server": "chat-b.test"},
        snapshot_watched,
    ),
    Attempt(
        "plan an event",
        "post",
        "/chats/auslibchat/events/new/",
        {
            "topic": "hacked",
            "starts_at": "2027-03-02T11:00",
            "q-total": "1",
            "q-0-kind": "question",
            "q-0-text": "hacked?",
            "q-0-offset": "5",
            "q-0-slot": "1",
        },
        snapshot_chat,
    ),
    Attempt(
        "edit the event",
        "post",
        "/chats/auslibchat/events/{next_event}/edit/",
        {
            "topic": "hacked",
            "starts_at": "2027-03-02 19:00",
            "q-total": "1",
            "q-0-id": "{next_question}",
            "q-0-kind": "question",
            "q-0-text": "hacked?",
            "q-0-offset": "40",
            "q-0-slot": "1",
        },
        snapshot_chat,
    ),
    Attempt(
        "delete the event",
        "post",
        "/chats/auslibchat/events/{next_event}/delete/",
        {},
        snapshot_chat,
    ),
    Attempt(
        "skip an occurrence",
        "post",
        "/chats/auslibchat/occurrences/",
        {"original": "2027-04-06T11:00:00+00:00", "action": "skip"},
        snapshot_chat,
    ),
    Attempt(
        "curate the transcript",
        "post",
        "/chats/auslibchat/events/{event}/transcript/curate/",
        {"action": "introduction", "introduction": "hacked"},
        snapshot_transcript,
    ),
    Attempt(
        "note in the transcript",
        "post",
        "/chats/auslibchat/events/{event}/transcript/curate/",
        {"action": "note", "group": "q1", "note": "hacked"},
        snapshot_transcript,
    ),
    Attempt(
        "dismiss Pat's notification",
        "post",
        "/notifications/{notification}/dismiss/",
        {},
        snapshot_notifications,
    ),
]


def ids(world, pat, hklibconnect, ngac) -> dict:
    notification = Notification.objects.filter(recipient=pat.profile).first()
    world.pat_profile = pat.profile
    world.org_profile = hklibconnect
    world.ngac = ngac
    return {
        "pat_post": world.pat_post.id,
        "pat_profile": pat.profile.id,
        "org": hklibconnect.id,
        "ngac": ngac.id,
        "event": world.event.id,
        "next_event": world.next_event.id,
        "next_question": world.next_event.questions.order_by("position").first().id,
        "question": world.event.questions.get(kind="question").id,
        "notification": notification.id if notification else 0,
    }


def send(client: Client, attempt: Attempt, values: dict, headers: dict | None = None):
    path = attempt.path.format(**values)
    data = {k.format(**values): str(v).format(**values) for k, v in attempt.data.items()}
    return getattr(client, attempt.method)(path, data, headers=headers or {})


@pytest.mark.parametrize("attempt", PAGE_ATTEMPTS, ids=lambda a: a.name)
def test_olly_cannot_do_it_through_the_pages(world, pat, olly, hklibconnect, ngac, attempt):
    values = ids(world, pat, hklibconnect, ngac)
    client = Client()
    client.force_login(olly.user)
    before = attempt.state(world)
    response = send(client, attempt, values)
    assert response.status_code in (302, 400, 403, 404, 405, 422), response.status_code
    assert attempt.state(world) == before


# Every route's entry (and the check that a new route has one) is in the generated
# matrix: tests/security/test_matrix.py and matrix_table.py.


RIGHTFUL = {
    "watch another server for the hashtag": "hana",
    "archive a chat held elsewhere": "hana",
    "change the chat account's settings": "hana",
    "edit Pat's post": "pat",
    "delete Pat's post": "pat",
    "post as Pat": "pat",
    "post as HKLibConnect": "pat",
    "post as Pat in the room": "pat",
    "post as NGAC in the room": "hana",
    "hide a post in the room": "hana",
    "hide a post of the event": "hana",
    "edit the series": "hana",
    "plan an event": "hana",
    "edit the event": "hana",
    "delete the event": "hana",
    "skip an occurrence": "hana",
    "curate the transcript": "hana",
    "note in the transcript": "hana",
    "dismiss Pat's notification": "pat",
}


@pytest.mark.parametrize("attempt", PAGE_ATTEMPTS, ids=lambda a: a.name)
def test_the_same_request_from_the_rightful_person_works(
    world, hana, pat, hklibconnect, ngac, attempt
):
    """So each refusal above is the authorisation's, not a malformed request's."""
    values = ids(world, pat, hklibconnect, ngac)
    person = {"hana": hana, "pat": pat}[RIGHTFUL[attempt.name]]
    client = Client()
    client.force_login(person.user)
    if person is hana:
        client.post("/profiles/switch/", {"profile": str(ngac.id)})
    before = attempt.state(world)
    send(client, attempt, values)
    assert attempt.state(world) != before
