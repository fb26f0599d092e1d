import json
from datetime import timedelta

import pytest
from icalendar import Calendar

from chats import scheduler
from chats.models import Event, Question, Series
from posts.actions import create_post
from tests.chats.conftest import FEB_CHAT

API = "/api/hashchat/v1"


def call(client, method, path, body=None):
    kwargs = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method)(API + path, **kwargs)


SERIES = {
    "hashtag": "edchat",
    "title": "Education chat",
    "organiser": "NGAC",
    "timezone": "Australia/Sydney",
    "rrule": "FREQ=WEEKLY;BYDAY=WE",
    "start_time": "21:00",
    "start_date": "2027-01-01",
}


def test_it_creates_a_series(client, clock, hana, ngac):
    client.force_login(hana.user)
    response = call(client, "post", "/series", SERIES)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["hashtag"] == "edchat"
    assert data["organiser"]["handle"] == "NGAC"
    assert isinstance(data["id"], str)
    # Wednesday 27 January 2027 at 21:00 in Sydney (AEDT, UTC+11).
    assert data["next_occurrence"] == "2027-01-27T21:00:00+11:00"
    assert Series.objects.get().duration_minutes == 60


@pytest.mark.parametrize(
    "change,status,needle",
    [
        ({"rrule": "FREQ=SOMETIMES"}, 422, "FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"),
        ({"timezone": "Europe/Atlantis"}, 422, "timezone"),
        ({"hashtag": "auslibchat"}, 409, "already used"),
        ({"hashtag": "AUSLIBCHAT"}, 409, "already used"),
        ({"hashtag": "not a tag"}, 422, "not a hashtag"),
        ({"hashtag": "123"}, 422, "not a hashtag"),
        ({"start_time": "25:00"}, 422, "start time"),
        ({"duration_minutes": 0}, 422, "duration"),
        ({"default_plan": [{"kind": "question", "text": "Late", "offset": 60}]}, 422, "inside"),
        ({"organiser": "nobody"}, 422, "no profile"),
        ({"organiser": "pat"}, 403, "cannot act as"),
    ],
)
def test_bad_series_input_is_refused_and_nothing_is_saved(
    client, series, hana, pat, change, status, needle
):
    client.force_login(hana.user)
    before = Series.objects.count()
    response = call(client, "post", "/series", {**SERIES, **change})
    assert response.status_code == status, response.content
    assert needle.lower() in response.json()["error"].lower()
    assert Series.objects.count() == before


def test_writing_needs_a_login(client, series):
    assert call(client, "post", "/series", SERIES).status_code == 401
    assert call(client, "patch", "/series/auslibchat", {"title": "x"}).status_code == 401


def test_a_non_host_cannot_edit_a_series(client, series, olly):
    client.force_login(olly.user)
    response = call(client, "patch", "/series/auslibchat", {"title": "Mine now"})
    assert response.status_code == 403
    assert "organiser" in response.json()["error"]
    series.refresh_from_db()
    assert series.title == "Australian library chat"


def test_the_organiser_edits_a_series(client, series, hana, pat):
    client.force_login(hana.user)
    response = call(
        client, "patch", "/series/AusLibChat", {"title": "Library chat", "cohosts": ["pat"]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Library chat"
    assert [c["handle"] for c in response.json()["cohosts"]] == ["pat"]


def test_a_bad_patch_changes_nothing(client, series, hana):
    client.force_login(hana.user)
    response = call(client, "patch", "/series/auslibchat", {"title": "New", "rrule": "FREQ=X"})
    assert response.status_code == 422
    series.refresh_from_db()
    assert series.title == "Australian library chat"


def test_list_and_get_series(client, series):
    listed = call(client, "get", "/series").json()
    assert [s["hashtag"] for s in listed] == ["auslibchat"]
    assert call(client, "get", "/series/auslibchat").json()["timezone"] == "Asia/Hong_Kong"
    assert call(client, "get", "/series/nothing").status_code == 404


def test_occurrences_are_iso_with_offset(client, event):
    data = call(client, "get", "/series/auslibchat/occurrences?count=3").json()
    assert [o["starts_at"] for o in data] == [
        "2027-02-02T19:00:00+08:00",
        "2027-03-02T19:00:00+08:00",
        "2027-04-06T19:00:00+08:00",
    ]
    assert data[0]["starts_at_utc"] == "2027-02-02T11:00:00+00:00"
    assert data[0]["event_id"] == str(event.id) and data[0]["topic"] == "Customer Service"
    assert call(client, "get", "/series/auslibchat/occurrences?count=0").status_code == 422


def test_it_plans_an_event_with_the_default_plan(client, series, hana):
    client.force_login(hana.user)
    response = call(
        client,
        "post",
        "/series/auslibchat/events",
        {"topic": "Makerspaces", "occurrence_start": "2027-03-02T19:00:00+08:00"},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert [(q["label"], q["offset"]) for q in data["questions"]] == [
        ("Welcome", 0),
        ("Q1", 5),
        ("Q2", 15),
        ("Q3", 25),
        ("Q4", 35),
        ("Q5", 45),
        ("Closing", 55),
    ]
    assert data["questions"][1]["due_at"] == "2027-03-02T19:05:00+08:00"
    # Its questions are still placeholders ("Question 1"...): a draft, never posted.
    assert data["state"] == "draft"


@pytest.mark.parametrize(
    "body,status",
    [
        ({"topic": "x", "occurrence_start": "2027-03-03T19:00:00+08:00"}, 422),
        ({"topic": "x", "occurrence_start": "2027-02-02T19:00:00+08:00"}, 409),
        ({"topic": "", "starts_at": "2027-03-05T10:00:00+00:00"}, 422),
        ({"topic": "x", "starts_at": "2026-03-05T10:00:00+00:00"}, 422),
        (
            {
                "topic": "x",
                "starts_at": "2027-03-05T10:00:00+00:00",
                "questions": [{"text": "Too late", "offset": 75}],
            },
            422,
        ),
        (
            {
                "topic": "x",
                "starts_at": "2027-03-05T10:00:00+00:00",
                "questions": [{"text": "Before", "offset": -5}],
            },
            422,
        ),
    ],
)
def test_bad_event_input_is_refused(client, event, hana, body, status):
    client.force_login(hana.user)
    before = (Event.objects.count(), Question.objects.count())
    response = call(client, "post", "/series/auslibchat/events", body)
    assert response.status_code == status, response.content
    assert response.json()["error"]
    assert (Event.objects.count(), Question.objects.count()) == before


def test_an_outsider_cannot_plan_an_event(client, series, olly):
    client.force_login(olly.user)
    response = call(
        client,
        "post",
        "/series/auslibchat/events",
        {"topic": "x", "starts_at": "2027-03-05T10:00:00+00:00"},
    )
    assert response.status_code == 403


def test_get_event_shows_state_questions_and_post_ids(client, clock, event):
    clock.move_to(FEB_CHAT + timedelta(minutes=5))
    scheduler.run_due()
    data = call(client, "get", f"/events/{event.id}").json()
    assert data["state"] == "live"
    q1 = event.questions.get(number=1)
    # Questions are not public: only those asked so far are shown to others.
    assert [q["label"] for q in data["questions"]] == ["Welcome", "Q1"]
    assert data["questions"][1]["post_id"] == str(q1.post_id)
    assert data["questions"][1]["posted_at"] == "2027-02-02T19:05:00+08:00"
    assert data["questions"][1]["delay_seconds"] == 0


def test_patch_event_refuses_to_edit_a_posted_question(client, clock, event, hana):
    clock.move_to(FEB_CHAT + timedelta(minutes=5))
    scheduler.run_due()
    client.force_login(hana.user)
    plan = call(client, "get", f"/events/{event.id}").json()["questions"]
    plan[1]["text"] = "A different first question"
    response = call(client, "patch", f"/events/{event.id}", {"questions": plan})
    assert response.status_code == 409
    assert "Q1 has already been posted" in response.json()["error"]
    assert event.questions.get(number=1).text == "What does good service look like?"
    assert event.questions.count() == 5


def test_patch_event_edits_unposted_questions_and_topic(client, clock, event, hana):
    clock.move_to(FEB_CHAT + timedelta(minutes=5))
    scheduler.run_due()
    client.force_login(hana.user)
    plan = call(client, "get", f"/events/{event.id}").json()["questions"]
    # Keep the welcome and Q1 as they are, change Q2, drop Q3, add a question.
    plan[2]["text"] = "What stops us?"
    del plan[3]
    plan.insert(3, {"kind": "question", "text": "A new one", "offset": 30})
    response = call(client, "patch", f"/events/{event.id}", {"topic": "Service", "questions": plan})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["topic"] == "Service"
    assert [(q["label"], q["text"]) for q in data["questions"]] == [
        ("Welcome", "Welcome to #auslibchat!"),
        ("Q1", "What does good service look like?"),
        ("Q2", "What stops us?"),
        ("Q3", "A new one"),
        ("Closing", "Thank you all!"),
    ]


def test_patch_event_state(client, event, hana, olly):
    client.force_login(olly.user)
    assert call(client, "patch", f"/events/{event.id}", {"state": "draft"}).status_code == 403
    client.force_login(hana.user)
    assert (
        call(client, "patch", f"/events/{event.id}", {"state": "draft"}).json()["state"] == "draft"
    )
    assert call(client, "patch", f"/events/{event.id}", {"state": "live"}).status_code == 422
    client.logout()
    assert call(client, "get", f"/events/{event.id}").status_code == 404


def test_posts_by_question(client, clock, event, pat):
    clock.move_to(FEB_CHAT + timedelta(minutes=16))
    scheduler.run_due()
    a1 = create_post(user=pat.user, profile=pat.profile, text="A1 kindness #auslibchat")
    a2 = create_post(user=pat.user, profile=pat.profile, text="A2 budgets #auslibchat")
    hello = create_post(user=pat.user, profile=pat.profile, text="Hi! #auslibchat")
    q1 = call(client, "get", f"/events/{event.id}/posts?question=1").json()
    assert [p["id"] for p in q1] == [str(event.questions.get(number=1).post_id), str(a1.id)]
    assert [p["id"] for p in call(client, "get", f"/events/{event.id}/posts?question=2").json()][
        -1
    ] == str(a2.id)
    none = call(client, "get", f"/events/{event.id}/posts?question=0").json()
    assert str(hello.id) in [p["id"] for p in none]
    everything = call(client, "get", f"/events/{event.id}/posts").json()
    assert len(everything) == 6  # welcome, Q1, Q2, two answers, hello
    assert everything[-1]["question"] is None and everything[-2]["question"] == 2


def test_calendar_endpoints(client, event):
    response = call(client, "get", "/series/auslibchat.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert Calendar.from_ical(response.content).walk("VEVENT")
    response = call(client, "get", f"/events/{event.id}.ics")
    (vevent,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert vevent.decoded("dtstart") == FEB_CHAT


def test_the_openapi_document_lists_the_chats_endpoints(client):
    paths = call(client, "get", "/openapi.json").json()["paths"]
    for path in (
        "/api/hashchat/v1/series",
        "/api/hashchat/v1/series/{hashtag}",
        "/api/hashchat/v1/series/{hashtag}/occurrences",
        "/api/hashchat/v1/series/{hashtag}.ics",
        "/api/hashchat/v1/series/{hashtag}/events",
        "/api/hashchat/v1/events/{event_id}",
        "/api/hashchat/v1/events/{event_id}.ics",
        "/api/hashchat/v1/events/{event_id}/posts",
    ):
        assert path in paths


def bearer(client, method, path, token, body=None):
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(API + path, **kwargs)


def test_a_bearer_token_acts_as_its_profile(client, clock, hana, ngac):
    from mastodon_api.models import Token, digest

    Token.objects.create(
        token_digest=digest("s3cret"), user=hana.user, profile=ngac, scopes="read write"
    )
    Token.objects.create(
        token_digest=digest("readonly"), user=hana.user, profile=ngac, scopes="read"
    )
    body = {k: v for k, v in SERIES.items() if k != "organiser"}
    assert bearer(client, "post", "/series", "wrong", body).status_code == 401
    assert bearer(client, "post", "/series", "readonly", body).status_code == 403
    response = bearer(client, "post", "/series", "s3cret", body)
    assert response.status_code == 201, response.content
    assert response.json()["organiser"]["handle"] == "NGAC"
    assert bearer(client, "get", "/series/edchat", "readonly").status_code == 200


@pytest.mark.parametrize(
    "event_id", ["²", "99999999999999999999", "9300000000000000000", "-1", "abc"]
)
def test_odd_ids_are_not_found(client, event_id):
    assert call(client, "get", f"/events/{event_id}").status_code in (404, 422)


def test_odd_question_numbers_are_refused(client, event):
    assert call(client, "get", f"/events/{event.id}/posts?question=99999999").status_code == 422
