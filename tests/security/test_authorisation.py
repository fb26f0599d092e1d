"""Every write endpoint refuses those without the right, with the cast: Olly cannot act
as Pat or as the hosts; a token issued for one profile cannot act as another profile
of the same login; a manager removed from an organisation loses access at once.

Each row of a table names the endpoint, who tries, and what must stay unchanged.
CSRF is tested elsewhere: here the clients skip it, so only authorisation decides."""

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from accounts import actions as account_actions
from accounts.models import Membership
from chats.models import Event, Question, Series
from mastodon_api import actions as oauth
from posts.models import Notification, Post
from tests.mastodon_api.conftest import make_token
from transcripts.models import GroupCuration, Transcript


@dataclass
class Attempt:
    name: str
    method: str
    path: str  # formatted with the world's ids
    data: dict
    state: Callable  # what must not change, read before and after


def snapshot_post(w):
    p = Post.objects.get(pk=w.pat_post.pk)
    return (p.text, p.deleted_at, p.hidden_at, p.like_count, p.repost_count)


def snapshot_chat(w):
    series = Series.objects.get(pk=w.series.pk)
    events = list(Event.objects.filter(series=series).values_list("id", "topic", "state"))
    questions = list(
        Question.objects.filter(event__series=series).values_list("id", "text", "position")
    )
    changes = list(series.changes.values_list("original_start", "new_start"))
    return (series.title, series.description, events, questions, changes)


def snapshot_posts_by(profile_attr):
    def read(w):
        return sorted(
            Post.objects.filter(author=getattr(w, profile_attr)).values_list("id", flat=True)
        )

    return read


def snapshot_transcript(w):
    t = Transcript.objects.filter(event=w.event).first()
    groups = list(GroupCuration.objects.filter(transcript=t).values_list("group", "note", "order"))
    return (t.introduction if t else None, groups, list(t.marks.values()) if t else [])


def snapshot_notifications(w):
    return list(Notification.objects.order_by("id").values_list("id", "read_at", "dismissed_at"))


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
        "plan an event",
        "post",
        "/chats/auslibchat/events/new/",
        {"topic": "hacked", "starts_at": "2027-03-02T11:00"},
        snapshot_chat,
    ),
    Attempt(
        "edit the event",
        "post",
        "/chats/auslibchat/events/{next_event}/edit/",
        {"topic": "hacked", "starts_at": "2027-03-02 19:00"},
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
        "add a question",
        "post",
        "/chats/auslibchat/events/{next_event}/questions/",
        {"text": "hacked?", "offset": "30", "kind": "question"},
        snapshot_chat,
    ),
    Attempt(
        "edit a question",
        "post",
        "/chats/auslibchat/events/{next_event}/questions/{next_question}/",
        {
            "q{next_question}-text": "hacked?",
            "q{next_question}-offset": "40",
            "q{next_question}-kind": "question",
        },
        snapshot_chat,
    ),
    Attempt(
        "move a question",
        "post",
        "/chats/auslibchat/events/{next_event}/questions/{next_question}/move/",
        {"direction": "down"},
        snapshot_chat,
    ),
    Attempt(
        "delete a question",
        "post",
        "/chats/auslibchat/events/{next_event}/questions/{next_question}/delete/",
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


def test_the_table_covers_every_write_route_of_the_pages():
    """New write routes must join the table (or the public list below)."""
    from tests.security.conftest import page_routes

    public_or_own = {
        # Acting only on the caller's own profile or session, or on nobody's data.
        "signup",
        "login",
        "logout",
        "settings",
        "change-password",
        "members",
        "new-organisation",
        "switch-profile",
        "follow",
        "unfollow",
        "compose",
        "like",
        "unlike",
        "repost",
        "unrepost",
        "follow-tag",
        "unfollow-tag",
        "clear-notifications",
        "rsvp",
        "series-new",
        "room-react",
        "room-post",
    }
    covered = {
        "edit-post",
        "delete-post",
        "hide-post",
        "series-edit",
        "event-new",
        "event-edit",
        "event-delete",
        "question-add",
        "question-edit",
        "question-move",
        "question-delete",
        "occurrence-change",
        "transcript-curate",
        "dismiss-notification",
    }
    read_only = {
        "profile",
        "avatar-initials",
        "home",
        "post",
        "tag",
        "notifications",
        "directory",
        "series",
        "series-ics",
        "event",
        "event-ics",
        "event-log",
        "room",
        "room-posts",
        "room-state",
        "transcript",
        "transcript-chart",
        "transcript-export",
        "transcripts-series-feed",
        "transcripts-feed",
    }
    names = {name for _, name in page_routes()}
    unknown = names - public_or_own - covered - read_only
    assert unknown == set(), f"routes without an authorisation row: {sorted(unknown)}"


# The Mastodon API -------------------------------------------------------------------


@pytest.fixture
def app(db):
    return oauth.register_app(
        name="Test app", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read write follow"
    )


def api(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


API_ATTEMPTS = [
    ("delete", "/api/v1/statuses/{target}"),
    ("put", "/api/v1/statuses/{target}"),
    ("post", "/api/v1/statuses/{target}/pin"),
]


def api_call(client: Client, method: str, path: str, token: str):
    if method == "put":
        return client.put(
            path,
            json.dumps({"status": "hacked"}),
            content_type="application/json",
            headers=api(token),
        )
    return getattr(client, method)(path, headers=api(token))


@pytest.mark.parametrize("method,path", API_ATTEMPTS)
def test_a_token_of_olly_cannot_touch_pats_post(world, app, olly, method, path):
    token = make_token(app, olly, scopes="read write")
    before = snapshot_post(world)
    response = api_call(Client(), method, path.format(target=world.pat_post.id), token)
    assert response.status_code in (403, 404, 422), response.content
    assert "error" in response.json()
    assert snapshot_post(world) == before


@pytest.mark.parametrize("method,path", API_ATTEMPTS[:2])
def test_a_token_for_pats_own_profile_cannot_act_as_his_organisation(
    world, app, pat, hklibconnect, method, path
):
    token = make_token(app, pat, scopes="read write")
    org_post = world.org_post
    before = Post.objects.filter(pk=org_post.pk).values("text", "deleted_at").get()
    response = api_call(Client(), method, path.format(target=org_post.id), token)
    assert response.status_code in (403, 404), response.content
    assert Post.objects.filter(pk=org_post.pk).values("text", "deleted_at").get() == before


def test_a_token_posts_only_as_its_own_profile(world, app, pat, hklibconnect):
    token = make_token(app, pat, scopes="read write")
    response = Client().post("/api/v1/statuses", {"status": "whose?"}, headers=api(token))
    assert response.status_code == 200
    assert response.json()["account"]["id"] == str(pat.profile.id)


def jo(hklibconnect):
    return Membership.objects.get(profile=hklibconnect, role="owner").user


def test_a_removed_manager_loses_the_organisation_at_once(world, app, pat, hklibconnect):
    token = make_token(app, pat, scopes="read write", profile=hklibconnect)
    assert (
        Client().post("/api/v1/statuses", {"status": "before"}, headers=api(token)).status_code
        == 200
    )
    pages = Client()
    pages.force_login(pat.user)
    pages.post("/profiles/switch/", {"profile": str(hklibconnect.id)})

    account_actions.remove_member(user=jo(hklibconnect), profile=hklibconnect, member=pat.user)

    posts = Post.objects.filter(author=hklibconnect).count()
    response = Client().post("/api/v1/statuses", {"status": "after"}, headers=api(token))
    assert response.status_code in (401, 403)
    assert "error" in response.json()
    response = pages.post(
        "/posts/new/", {"text": "after, on the page", "profile": str(hklibconnect.id)}
    )
    assert response.status_code in (302, 403, 422)
    response = pages.post(f"/posts/{world.org_post.id}/delete/")
    assert response.status_code in (302, 403, 404)
    assert Post.objects.filter(author=hklibconnect).count() == posts
    assert Post.objects.get(pk=world.org_post.pk).deleted_at is None


def test_a_manager_cannot_remove_the_owner(world, pat, hklibconnect):
    pages = Client()
    pages.force_login(pat.user)
    pages.post("/profiles/switch/", {"profile": str(hklibconnect.id)})
    owner = jo(hklibconnect)
    response = pages.post("/settings/members/", {"op": "remove", "member": owner.username})
    assert response.status_code == 403
    assert Membership.objects.filter(user=owner, profile=hklibconnect, role="owner").exists()


# The own API --------------------------------------------------------------------------


def test_the_own_api_refuses_outsiders(world, app, olly):
    token = make_token(app, olly, scopes="read write")
    before = snapshot_chat(world)
    client = Client()
    response = client.patch(
        "/api/hashchat/v1/series/auslibchat",
        json.dumps({"title": "hacked"}),
        content_type="application/json",
        headers=api(token),
    )
    assert response.status_code == 403, response.content
    assert "error" in response.json()
    response = client.patch(
        f"/api/hashchat/v1/events/{world.event.id}",
        json.dumps({"topic": "hacked"}),
        content_type="application/json",
        headers=api(token),
    )
    assert response.status_code == 403, response.content
    response = client.post(
        "/api/hashchat/v1/series",
        json.dumps(
            {
                "hashtag": "stolenchat",
                "title": "x",
                "organiser": "NGAC",
                "timezone": "UTC",
                "rrule": "FREQ=WEEKLY",
                "start_time": "10:00",
            }
        ),
        content_type="application/json",
        headers=api(token),
    )
    assert response.status_code == 403, response.content
    assert snapshot_chat(world) == before
    assert not Series.objects.filter(hashtag__iexact="stolenchat").exists()


def test_a_read_token_cannot_write(world, app, hana):
    token = make_token(app, hana, scopes="read")
    response = Client().patch(
        "/api/hashchat/v1/series/auslibchat",
        json.dumps({"title": "hacked"}),
        content_type="application/json",
        headers=api(token),
    )
    assert response.status_code == 403
    assert Series.objects.get(pk=world.series.pk).title == "Australian library chat"


RIGHTFUL = {
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
    "add a question": "hana",
    "edit a question": "hana",
    "move a question": "hana",
    "delete a question": "hana",
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
