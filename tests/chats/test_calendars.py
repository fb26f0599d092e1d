from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

from dateutil.rrule import rrulestr
from icalendar import Calendar

from chats import actions, calendars, recurrence
from tests.chats.conftest import FEB_CHAT

START = datetime(2027, 1, 1, tzinfo=UTC)


def read_back(data: bytes, after: datetime, count: int) -> tuple[list[datetime], dict]:
    """The occurrences an .ics describes, read as a calendar app does: the RRULE from
    DTSTART minus EXDATEs, with RECURRENCE-ID overrides; and the topics by start."""
    cal = Calendar.from_ical(data)
    overrides: dict[datetime, datetime] = {}
    exdates: set[datetime] = set()
    topics: dict[datetime, str] = {}
    master: Any = None
    for comp in cal.walk("VEVENT"):
        if "RECURRENCE-ID" in comp:
            new = comp.decoded("dtstart").astimezone(UTC)
            overrides[comp.decoded("recurrence-id").astimezone(UTC)] = new
            topics[new] = str(comp["summary"])
        else:
            master = comp
    exdate = master.get("exdate")
    for group in exdate if isinstance(exdate, list) else [exdate] if exdate else []:
        exdates.update(d.dt.astimezone(UTC) for d in group.dts)
    start = master.decoded("dtstart")
    rule = rrulestr(bytes(master["rrule"].to_ical()).decode(), dtstart=start)
    found = set()
    for moment in rule.between(after - timedelta(days=1), after + timedelta(days=800), inc=True):
        utc = moment.astimezone(UTC)
        if utc not in exdates:
            found.add(overrides.get(utc, utc))
    return sorted(m for m in found if m >= after)[:count], topics


def test_the_series_feed_parses_back_to_the_same_occurrences(clock, event, series, hana):
    mar, apr = recurrence.occurrences(series, datetime(2027, 3, 1, tzinfo=UTC), 2)
    actions.skip_occurrence(user=hana.user, series=series, original=mar)
    actions.move_occurrence(
        user=hana.user, series=series, original=apr, new_start=apr + timedelta(days=2)
    )
    data = calendars.series_calendar(series)
    found, topics = read_back(data, START, 24)
    assert found == recurrence.occurrences(series, START, 24)
    assert FEB_CHAT in found and mar not in found and apr + timedelta(days=2) in found
    assert topics[FEB_CHAT] == "#auslibchat: Customer Service"


def test_the_series_feed_has_rrule_vtimezone_and_exdate(clock, series, hana):
    (mar,) = recurrence.occurrences(series, datetime(2027, 3, 1, tzinfo=UTC), 1)
    actions.skip_occurrence(user=hana.user, series=series, original=mar)
    text = calendars.series_calendar(series).decode()
    assert "RRULE:FREQ=MONTHLY;BYDAY=1TU" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Asia/Hong_Kong" in text
    assert "DTSTART;TZID=Asia/Hong_Kong:20270105T190000" in text
    assert "EXDATE;TZID=Asia/Hong_Kong:20270302T190000" in text


def test_a_sydney_feed_keeps_local_time_across_dst(db, pat):
    from datetime import date, time

    import time_machine

    with time_machine.travel(datetime(2026, 8, 1, tzinfo=UTC), tick=False):
        series = actions.create_series(
            user=pat.user,
            organiser=pat.profile,
            hashtag="ozchat",
            title="Oz",
            timezone="Australia/Sydney",
            rrule="FREQ=MONTHLY;BYDAY=1TU",
            start_time=time(21, 0),
            start_date=date(2026, 9, 1),
        )
        data = calendars.series_calendar(series)
    after = datetime(2026, 9, 1, tzinfo=UTC)
    found, _ = read_back(data, after, 9)
    assert found == recurrence.occurrences(series, after, 9)
    assert found[0].hour == 11 and found[1].hour == 10 and found[7].hour == 11
    text = data.decode()
    assert "TZID:Australia/Sydney" in text and "TZOFFSETTO:+1100" in text


def test_the_event_ics_has_one_event_at_its_time(clock, event):
    (vevent,) = Calendar.from_ical(calendars.event_calendar(event)).walk("VEVENT")
    assert vevent.decoded("dtstart") == FEB_CHAT
    assert vevent.decoded("dtend") == FEB_CHAT + timedelta(hours=1)
    assert str(vevent["summary"]) == "#auslibchat: Customer Service"
    assert f"/chats/auslibchat/events/{event.id}/" in str(vevent["url"])


def test_add_to_calendar_links(clock, event):
    links = calendars.calendar_links(event)
    google = parse_qs(urlparse(links["google"]).query)
    assert google["dates"] == ["20270202T110000Z/20270202T120000Z"]
    assert google["text"] == ["#auslibchat: Customer Service"]
    outlook = parse_qs(urlparse(links["outlook"]).query)
    assert outlook["startdt"] == ["2027-02-02T11:00:00Z"]
    assert outlook["enddt"] == ["2027-02-02T12:00:00Z"]
    assert links["ics"] == f"/chats/auslibchat/events/{event.id}/event.ics"


def test_calendar_pages_serve_ics(client, event):
    response = client.get("/chats/auslibchat/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    response = client.get(f"/chats/auslibchat/events/{event.id}/event.ics")
    assert b"BEGIN:VEVENT" in response.content
