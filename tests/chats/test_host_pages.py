from datetime import timedelta

from chats import scheduler
from chats.models import Event, OccurrenceChange, Question, Series
from tests.chats.conftest import FEB_CHAT

NEW_SERIES = {
    "organiser": "",
    "hashtag": "#EdChat",
    "title": "Education chat",
    "description": "Teachers talk.",
    "timezone": "Australia/Sydney",
    "rrule": "FREQ=WEEKLY;BYDAY=WE",
    "start_time": "21:00",
    "start_date": "2027-01-01",
    "duration_minutes": "60",
    "tail_hours": "72",
    "cohosts": "",
    "is_public": "on",
}


def test_a_host_creates_a_series_from_the_form(client, clock, hana, ngac):
    client.force_login(hana.user)
    page = client.get("/chats/new/")
    assert page.status_code == 200
    assert '<label for="id_timezone">' in page.content.decode()
    response = client.post("/chats/new/", {**NEW_SERIES, "organiser": str(ngac.id)})
    assert response.status_code == 302
    assert response["Location"] == "/chats/EdChat/"
    series = Series.objects.get()
    assert (series.hashtag, series.organiser, series.timezone) == (
        "EdChat",
        ngac,
        "Australia/Sydney",
    )


def test_the_form_shows_what_is_wrong_and_saves_nothing(client, clock, series, hana, ngac):
    client.force_login(hana.user)
    for change, message in (
        ({"rrule": "FREQ=NEVER"}, "Start the rule with FREQ=DAILY"),
        ({"timezone": "Moon/Base"}, "not a known IANA timezone"),
        ({"hashtag": "AusLibChat"}, "already used by another series"),
    ):
        response = client.post("/chats/new/", {**NEW_SERIES, "organiser": str(ngac.id), **change})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert Series.objects.count() == 1


def test_only_the_organiser_edits_a_series(client, series, hana, olly):
    client.force_login(olly.user)
    response = client.get("/chats/auslibchat/edit/")
    assert response.status_code == 403
    assert "Only the organiser @NGAC" in response.content.decode()
    response = client.post("/chats/auslibchat/edit/", {**NEW_SERIES, "hashtag": "mine"})
    assert response.status_code == 403
    assert Series.objects.get().hashtag == "auslibchat"
    client.force_login(hana.user)
    response = client.post(
        "/chats/auslibchat/edit/",
        {
            **NEW_SERIES,
            "hashtag": "auslibchat",
            "title": "Library chat",
            "timezone": "Asia/Hong_Kong",
            "rrule": "FREQ=MONTHLY;BYDAY=1TU",
            "start_time": "19:00",
        },
    )
    assert response.status_code == 302
    assert Series.objects.get().title == "Library chat"


def test_a_host_plans_an_event_at_an_occurrence(client, series, hana):
    client.force_login(hana.user)
    page = client.get("/chats/auslibchat/events/new/").content.decode()
    assert "Tue 2 Feb 2027, 19:00 HKT" in page
    response = client.post(
        "/chats/auslibchat/events/new/",
        {"occurrence": FEB_CHAT.isoformat(), "topic": "Customer Service"},
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.starts_at == FEB_CHAT and event.questions.count() == 7
    assert response["Location"] == f"/chats/auslibchat/events/{event.id}/edit/"


def test_a_start_of_its_own_is_read_in_the_series_zone(client, series, hana):
    client.force_login(hana.user)
    client.post(
        "/chats/auslibchat/events/new/",
        {"occurrence": "", "starts_at": "2027-02-10T20:30", "topic": "Extra"},
    )
    event = Event.objects.get()
    assert event.starts_at == FEB_CHAT.replace(day=10, hour=12, minute=30)
    assert event.occurrence_start is None


def test_questions_are_added_edited_moved_and_removed_without_javascript(client, event, hana):
    client.force_login(hana.user)
    base = f"/chats/auslibchat/events/{event.id}"
    page = client.get(base + "/edit/").content.decode()
    assert "Move up" in page and "Move down" in page
    assert (
        client.post(
            base + "/questions/", {"kind": "question", "text": "New one", "offset": "30"}
        ).status_code
        == 302
    )
    q3 = event.questions.get(number=3)
    client.post(f"{base}/questions/{q3.id}/move/", {"direction": "up"})
    assert event.questions.get(number=2).text == "Who does it best?"
    q1 = event.questions.get(number=1)
    client.post(
        f"{base}/questions/{q1.id}/",
        {f"q{q1.id}-kind": "question", f"q{q1.id}-text": "Edited", f"q{q1.id}-offset": "5"},
    )
    assert event.questions.get(number=1).text == "Edited"
    client.post(f"{base}/questions/{q1.id}/delete/")
    assert not Question.objects.filter(pk=q1.pk).exists()


def test_a_bad_offset_shows_on_the_form(client, event, hana):
    client.force_login(hana.user)
    response = client.post(
        f"/chats/auslibchat/events/{event.id}/questions/",
        {"kind": "question", "text": "Too late", "offset": "75"},
    )
    assert response.status_code == 422
    assert "inside the chat&#x27;s 60 minutes" in response.content.decode()
    assert event.questions.count() == 5


def test_a_posted_question_cannot_be_edited_from_the_page(client, clock, event, hana):
    clock.move_to(FEB_CHAT + timedelta(minutes=6))
    scheduler.run_due()
    client.force_login(hana.user)
    q1 = event.questions.get(number=1)
    response = client.post(
        f"/chats/auslibchat/events/{event.id}/questions/{q1.id}/",
        {f"q{q1.id}-kind": "question", f"q{q1.id}-text": "Changed", f"q{q1.id}-offset": "5"},
    )
    assert response.status_code == 422
    assert "Q1 has already been posted" in response.content.decode()
    assert event.questions.get(number=1).text == "What does good service look like?"


def test_the_log_shows_what_was_posted_and_the_delays(client, clock, event, hana, olly):
    clock.move_to(FEB_CHAT + timedelta(minutes=7))
    scheduler.run_due()
    client.force_login(hana.user)
    page = client.get(f"/chats/auslibchat/events/{event.id}/log/").content.decode()
    assert "420 s" in page and "120 s" in page
    assert "Started Tue 2 Feb 2027, 19:00 HKT" in page
    assert "<td>19:07:00</td>" in page
    assert "Not yet" in page
    client.force_login(olly.user)
    assert client.get(f"/chats/auslibchat/events/{event.id}/log/").status_code == 403


def test_skip_and_restore_an_occurrence_from_the_series_page(client, series, hana):
    client.force_login(hana.user)
    page = client.get("/chats/auslibchat/").content.decode()
    assert "Skip or move this date" in page
    client.post(
        "/chats/auslibchat/occurrences/", {"original": FEB_CHAT.isoformat(), "action": "skip"}
    )
    assert OccurrenceChange.objects.get().new_start is None
    client.post(
        "/chats/auslibchat/occurrences/",
        {"original": FEB_CHAT.isoformat(), "action": "restore"},
    )
    assert not OccurrenceChange.objects.exists()
    client.post(
        "/chats/auslibchat/occurrences/",
        {"original": FEB_CHAT.isoformat(), "action": "move", "new_start": "2027-02-03T19:00"},
    )
    assert OccurrenceChange.objects.get().new_start == FEB_CHAT + timedelta(days=1)


def test_a_host_deletes_an_event_before_it_begins(client, event, hana, olly):
    client.force_login(olly.user)
    assert client.post(f"/chats/auslibchat/events/{event.id}/delete/").status_code == 403
    client.force_login(hana.user)
    response = client.post(f"/chats/auslibchat/events/{event.id}/delete/")
    assert response.status_code == 302 and response["Location"] == "/chats/auslibchat/"
    assert not Event.objects.exists()


def test_the_series_form_sets_the_default_questions(client, clock, hana, ngac):
    client.force_login(hana.user)
    form = client.get("/chats/new/").content.decode()
    assert "Question 5" in form  # the standard plan, ready to edit
    client.post(
        "/chats/new/",
        {
            **NEW_SERIES,
            "organiser": str(ngac.id),
            "welcome_text": "Hello all!",
            "questions_text": "First?\nSecond?\n\nThird?",
            "closing_text": "Bye!",
        },
    )
    series = Series.objects.get()
    assert [(p["kind"], p["text"], p["offset"]) for p in series.default_plan] == [
        ("welcome", "Hello all!", 0),
        ("question", "First?", 5),
        ("question", "Second?", 21),
        ("question", "Third?", 37),
        ("closing", "Bye!", 55),
    ]


def test_saving_the_topic_of_a_live_event_keeps_its_start(client, clock, event, hana):
    Event.objects.filter(pk=event.pk).update(
        starts_at=FEB_CHAT + timedelta(seconds=42), ends_at=FEB_CHAT + timedelta(minutes=60)
    )
    clock.move_to(FEB_CHAT + timedelta(minutes=6))
    scheduler.run_due()
    client.force_login(hana.user)
    response = client.post(
        f"/chats/auslibchat/events/{event.id}/edit/",
        {"topic": "Service, live", "description": "", "starts_at": "2027-02-02T19:00"},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.topic == "Service, live"
    assert event.starts_at == FEB_CHAT + timedelta(seconds=42)
