"""Rules and dates a host might type by mistake (or a client on purpose): refused
on the way in with a sentence that says what to change, never a 500 later, and no
rule or date makes a page walk through centuries of occurrences."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from chats import actions, recurrence
from chats.models import Event, Series
from core.errors import InvalidInput
from tests.chats.test_api import call

BAD_RULES = {
    "FREQ=DAILY;INTERVAL=-1": "INTERVAL",
    "FREQ=DAILY;INTERVAL=0": "INTERVAL",
    "FREQ=WEEKLY;INTERVAL=abc": "INTERVAL",
    "FREQ=MONTHLY;BYMONTHDAY=0": "BYMONTHDAY=0",
    "FREQ=MONTHLY;BYMONTHDAY=32": "BYMONTHDAY=32",
    "FREQ=YEARLY;BYMONTH=13": "BYMONTH=13",
    "FREQ=MONTHLY;BYDAY=0TU": "position",
    "FREQ=MONTHLY;BYDAY=1XX": "not a day",
    "FREQ=MONTHLY;COUNT=0": "COUNT",
    "FREQ=MONTHLY;COUNT=5;UNTIL=20300101T000000Z": "not both",
    "FREQ=WEEKLY;FREQ=DAILY": "twice",
    "FREQ": "NAME=VALUE",
    "FREQ=MONTHLY;BYDAY": "NAME=VALUE",
    "FREQ=MONTHLY;BYTHING=1": "no part called BYTHING",
    # Never matches: dateutil alone would walk to year 9999 looking (seconds).
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30": "gives no date",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31": "gives no date",
}


@pytest.mark.parametrize("rule,needle", BAD_RULES.items())
def test_rules_outside_rfc_5545_are_refused_with_a_plain_sentence(rule, needle):
    with pytest.raises(InvalidInput) as e:
        recurrence.validate(rule, "Asia/Hong_Kong", date(2027, 1, 1), time(19, 0))
    assert e.value.field == "rrule"
    assert needle in e.value.message
    assert "unpack" not in e.value.message


@pytest.mark.parametrize("first", [date(1, 1, 1), date(1999, 12, 31), date(2101, 1, 1)])
def test_a_first_date_outside_2000_to_2100_is_refused(first):
    with pytest.raises(InvalidInput) as e:
        recurrence.validate("FREQ=DAILY", "UTC", first, time(19, 0))
    assert e.value.field == "start_date" and "between 2000 and 2100" in e.value.message


def test_a_daily_series_begun_long_ago_is_computed_from_near_now(db, ngac):
    series = Series.objects.create(
        hashtag="daily",
        title="t",
        organiser=ngac,
        timezone="Australia/Sydney",
        rrule="FREQ=DAILY;INTERVAL=3",
        start_time=time(21, 0),
        start_date=date(2000, 1, 1),
    )
    after = datetime(2090, 6, 1, tzinfo=UTC)
    found = recurrence.occurrences(series, after, 5)
    # Every third day from 2000-01-01 (a multiple of 3 days apart), at 21:00 Sydney.
    assert len(found) == 5
    for moment in found:
        local = moment.astimezone(recurrence.get_zone("Australia/Sydney"))
        assert local.time() == time(21, 0)
        assert (local.date() - date(2000, 1, 1)).days % 3 == 0
    assert found[0] - after < timedelta(days=3)
    assert recurrence.is_occurrence(series, found[2])
    # The same answer as walking the rule from its first date.
    walked, zone = recurrence.rule_for(series)
    local_after = after.astimezone(zone)
    assert [recurrence.to_utc(m) for m in walked.xafter(local_after, count=5, inc=True)] == found


SERIES = {
    "hashtag": "edchat",
    "title": "Education chat",
    "timezone": "Australia/Sydney",
    "rrule": "FREQ=WEEKLY;BYDAY=WE",
    "start_time": "20:00",
}


@pytest.mark.parametrize(
    "change",
    [
        {"rrule": "FREQ=DAILY;INTERVAL=-1"},
        {"rrule": "FREQ=DAILY;INTERVAL=0"},
        {"rrule": "FREQ=MONTHLY;BYMONTHDAY=0"},
        {"start_date": "0001-01-01"},
        {"start_date": "9999-12-31"},
    ],
)
def test_the_api_answers_422_for_bad_rules_and_dates(client, series, hana, ngac, change):
    client.force_login(hana.user)
    response = call(client, "post", "/series", {**SERIES, "organiser": "NGAC", **change})
    assert response.status_code == 422, response.content
    assert response.json()["error"]
    assert not Series.objects.filter(hashtag="edchat").exists()
    response = call(client, "patch", "/series/auslibchat", change)
    assert response.status_code == 422, response.content


@pytest.mark.parametrize(
    "starts_at", ["9999-12-31T23:00:00+00:00", "0001-01-01T00:00:00+14:00", "2101-01-01T00:00:00Z"]
)
def test_event_times_outside_the_bounds_are_a_422(client, series, hana, event, starts_at):
    client.force_login(hana.user)
    response = call(
        client, "post", "/series/auslibchat/events", {"topic": "Far", "starts_at": starts_at}
    )
    assert response.status_code == 422, response.content
    assert "between 2000 and 2100" in response.json()["error"]
    response = call(client, "patch", f"/events/{event.id}", {"starts_at": starts_at})
    assert response.status_code == 422, response.content
    assert Event.objects.count() == 1


def test_moving_an_occurrence_to_year_9999_is_refused(series, hana, clock):
    with pytest.raises(InvalidInput) as e:
        actions.move_occurrence(
            user=hana.user,
            series=series,
            original=datetime(2027, 2, 2, 11, 0, tzinfo=UTC),
            new_start=datetime(9999, 12, 31, 23, 0, tzinfo=UTC),
        )
    assert e.value.field == "new_start"
    with pytest.raises(InvalidInput):
        actions.skip_occurrence(
            user=hana.user, series=series, original=datetime(1, 1, 1, 12, 0, tzinfo=UTC)
        )


def test_the_series_form_shows_a_plain_message(client, clock, series, hana, ngac):
    client.force_login(hana.user)
    form = {
        "organiser": str(ngac.id),
        "hashtag": "EdChat",
        "title": "Education chat",
        "timezone": "Australia/Sydney",
        "repeat": "advanced",
        "rrule": "FREQ",
        "start_time": "20:00",
        "start_date": "2027-01-01",
        "duration_minutes": "60",
        "tail_hours": "72",
    }
    response = client.post("/chats/new/", form)
    assert response.status_code == 422
    page = response.content.decode()
    assert "NAME=VALUE parts" in page and "unpack" not in page
    response = client.post(
        "/chats/new/", {**form, "rrule": "FREQ=DAILY", "start_date": "0001-01-01"}
    )
    assert response.status_code == 422 and "between 2000 and 2100" in response.content.decode()
    assert Series.objects.count() == 1


def test_a_daily_series_from_2000_is_not_walked_from_2000(clock, series, hana, ngac):
    everyday = actions.create_series(
        user=hana.user,
        organiser=ngac,
        hashtag="everyday",
        title="Every day",
        timezone="UTC",
        rrule="FREQ=DAILY",
        start_time=time(9, 0),
        start_date=date(2000, 1, 1),
    )
    now = timezone.now()
    rule, _zone = recurrence.rule_for(everyday, near=now)
    # The rule the pages iterate starts a week or so before now, not in 2000.
    first = rule.after(datetime(2000, 1, 1, tzinfo=UTC), inc=True)
    assert now - timedelta(days=15) < first < now
    assert client_lists(everyday)


def client_lists(series) -> bool:
    from django.test import Client

    listed = Client().get("/api/hashchat/v1/series").json()
    return series.hashtag in {s["hashtag"] for s in listed}


def test_a_rule_stored_before_the_checks_gives_no_occurrences_not_a_500(client, clock, series):
    Series.objects.filter(pk=series.pk).update(rrule="FREQ=DAILY;INTERVAL=0")
    assert client.get("/chats/").status_code == 200
    assert client.get("/chats/auslibchat/").status_code == 200
    response = client.get("/api/hashchat/v1/series/auslibchat/occurrences")
    assert response.status_code == 200 and response.json() == []
