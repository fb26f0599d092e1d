from datetime import timedelta

from chats import scheduler
from chats.models import Event, OccurrenceChange, Series
from tests.chats.conftest import FEB_CHAT

NEW_SERIES = {
    "organiser": "",
    "hashtag": "#EdChat",
    "title": "Education chat",
    "description": "Teachers talk.",
    "timezone": "Australia/Sydney",
    "repeat": "weekly",
    "week_of_month": "1",
    "weekday": "WE",
    "rrule": "",
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
    assert response["Location"] == "/chats/EdChat/events/new/?first=1"
    series = Series.objects.get()
    assert (series.hashtag, series.organiser, series.timezone, series.rrule) == (
        "EdChat",
        ngac,
        "Australia/Sydney",
        "FREQ=WEEKLY;BYDAY=WE",
    )


def test_the_form_shows_what_is_wrong_and_saves_nothing(client, clock, series, hana, ngac):
    client.force_login(hana.user)
    # Three mistakes at once: all three are shown after one submit, beside their fields.
    response = client.post(
        "/chats/new/",
        {
            **NEW_SERIES,
            "organiser": str(ngac.id),
            "repeat": "advanced",
            "rrule": "FREQ=NEVER",
            "timezone": "Moon/Base",
            "hashtag": "AusLibChat",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "3 things need fixing" in page
    for field, message in (
        ("rrule", "Start the rule with FREQ"),
        ("timezone", "not a known IANA timezone"),
        ("hashtag", "already used by another series"),
    ):
        assert f'id="id_{field}_error"' in page
        errors = page.split(f'id="id_{field}_error"', 1)[1].split("</ul>", 1)[0]
        assert message in errors, (field, errors)
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
            "repeat": "monthly",
            "week_of_month": "1",
            "weekday": "TU",
            "start_time": "19:00",
        },
    )
    assert response.status_code == 302
    assert Series.objects.get().title == "Library chat"


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
    assert "Question 5" not in form  # no stand-ins: the default questions start empty
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


def test_unknown_cohosts_and_overlong_questions_show_with_the_other_mistakes(
    client, clock, hana, ngac
):
    # Co-hosts and the default questions are checked with everything else, not at save.
    client.force_login(hana.user)
    response = client.post(
        "/chats/new/",
        {
            **NEW_SERIES,
            "organiser": str(ngac.id),
            "hashtag": "#not a tag",
            "cohosts": "@nobody_here",
            "welcome_text": "Welcome!",
            "questions_text": "What is fine?\n" + "y" * 450,
            "closing_text": "Thanks!",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "3 things need fixing" in page
    for field, message in (
        ("hashtag", "is not a hashtag"),
        ("cohosts", "There is no profile @nobody_here."),
        ("questions_text", "Question 2: A question can have at most 400 characters."),
    ):
        errors = page.split(f'id="id_{field}_error"', 1)[1].split("</ul>", 1)[0]
        assert message in errors, (field, errors)
    assert Series.objects.count() == 0
