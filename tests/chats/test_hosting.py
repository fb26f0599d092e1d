"""The "Host a chat" path on the server: a new organisation and its series created
together (or neither), recurrence as choices, the next five dates, and every
mistake of the series form at once."""

import pytest

from accounts.models import Profile
from chats.actions.hosting import series_problems, start_series
from chats.forms import choices_from_rule, rule_from_choices
from chats.models import Series
from core.errors import Conflict

FORM = {
    "organiser": "new",
    "new_org_handle": "EdChatTeam",
    "new_org_name": "Education Chat Team",
    "hashtag": "EdChat",
    "title": "Education chat",
    "repeat": "monthly",
    "week_of_month": "2",
    "weekday": "WE",
    "rrule": "",
    "start_time": "21:00",
    "timezone": "Australia/Sydney",
    "start_date": "2027-01-01",
    "duration_minutes": "60",
    "tail_hours": "72",
    "is_public": "on",
}


@pytest.mark.parametrize(
    "choice,rule",
    [
        (("monthly", "1", "TU", ""), "FREQ=MONTHLY;BYDAY=1TU"),
        (("monthly", "-1", "FR", ""), "FREQ=MONTHLY;BYDAY=-1FR"),
        (("weekly", "1", "TH", ""), "FREQ=WEEKLY;BYDAY=TH"),
        (("fortnightly", "1", "MO", ""), "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        (("once", "1", "TU", ""), "FREQ=DAILY;COUNT=1"),
        (("advanced", "1", "TU", "FREQ=YEARLY"), "FREQ=YEARLY"),
    ],
)
def test_choices_make_a_rule_and_the_rule_gives_them_back(choice, rule):
    assert rule_from_choices(*choice) == rule
    back = choices_from_rule(rule)
    assert back["repeat"] == choice[0]
    if choice[0] in ("monthly", "weekly", "fortnightly"):
        assert back["weekday"] == choice[2]


def test_a_new_organisation_hosts_the_new_series_from_one_form(client, clock, hana):
    client.force_login(hana.user)
    response = client.post("/chats/new/", FORM)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/chats/EdChat/events/new/?first=1"
    series = Series.objects.get()
    assert series.organiser.handle == "EdChatTeam"
    assert series.rrule == "FREQ=MONTHLY;BYDAY=2WE"
    assert series.organiser.memberships.get().user == hana.user


def test_every_mistake_of_the_series_form_shows_at_once_and_nothing_is_stored(
    client, clock, hana, series
):
    client.force_login(hana.user)
    bad = FORM | {
        "new_org_handle": "NGAC",  # taken by the fixture's organiser
        "hashtag": "auslibchat",  # taken
        "title": "",
        "timezone": "Mars/Olympus",
    }
    response = client.post("/chats/new/", bad)
    assert response.status_code == 422
    page = response.content.decode()
    for field in ("new_org_handle", "hashtag", "title", "timezone"):
        assert f'id="id_{field}_error"' in page, field
    assert "4 things need fixing" in page
    assert Series.objects.count() == 1
    assert not Profile.objects.filter(display_name="Education Chat Team").exists()


def test_the_organisation_is_not_left_behind_when_the_series_is_refused(clock, hana, series):
    with pytest.raises(Conflict):
        start_series(
            user=hana.user,
            new_organisation={"handle": "Orphan", "display_name": "Orphan"},
            hashtag="auslibchat",
            title="Taken",
            timezone="UTC",
            rrule="FREQ=WEEKLY;BYDAY=MO",
            start_time="19:00",
        )
    assert not Profile.objects.filter(handle="Orphan").exists()


def test_a_chat_once_on_a_day_that_has_passed_says_so(client, clock, hana):
    client.force_login(hana.user)
    response = client.post("/chats/new/", FORM | {"repeat": "once", "start_date": "2026-12-01"})
    assert response.status_code == 422
    assert "That day and time have passed" in response.content.decode()


def test_the_preview_shows_the_next_five_dates_in_the_zone_and_in_utc(client, clock):
    page = client.get(
        "/chats/recurrence-preview/",
        {
            "repeat": "monthly",
            "week_of_month": "1",
            "weekday": "TU",
            "start_time": "19:00",
            "start_date": "2027-01-01",
            "timezone": "Asia/Hong_Kong",
        },
    ).content.decode()
    assert "The first Tuesday of every month" in page
    assert page.count("<tr><td>") == 5
    assert "Tue 2 Feb 2027, 19:00 HKT</td><td>Tue 2 Feb 2027, 11:00 UTC" in page
    bad = client.get(
        "/chats/recurrence-preview/",
        {"repeat": "advanced", "rrule": "FREQ=NEVER", "start_time": "19:00", "timezone": "UTC"},
    ).content.decode()
    assert 'class="form-error"' in bad


def test_problems_are_collected_not_stopped_at_the_first(db, hana):
    problems = series_problems(
        {
            "hashtag": "new",
            "title": "",
            "timezone": "Nowhere/City",
            "rrule": "FREQ=WEEKLY;BYDAY=MO",
            "duration_minutes": 1,
            "tail_hours": 72,
        }
    )
    assert set(problems) == {"hashtag", "title", "timezone", "duration_minutes"}


def test_host_a_chat_signs_up_first(client, hana):
    assert client.get("/host/")["Location"] == "/signup/?next=/chats/new/"
    client.force_login(hana.user)
    assert client.get("/host/")["Location"] == "/chats/new/"
