"""iCalendar feeds and add-to-calendar links.

The series feed has one recurring VEVENT (DTSTART in the series' zone with its
VTIMEZONE, the RRULE, an EXDATE for each skipped occurrence), an override
(RECURRENCE-ID) for each moved occurrence and each planned event, so calendar
apps show the topic, and a VEVENT of its own for a one-off extra event.
"""

from datetime import UTC, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent
from icalendar.prop import vRecur

from chats import recurrence
from chats.models import Event, Series

PRODID = "-//hashchat//chats//EN"


def series_uid(series: Series) -> str:
    return f"series-{series.id}@hashchat"


def event_uid(event: Event) -> str:
    if event.occurrence_start is not None:
        return series_uid(event.series)
    return f"event-{event.id}@hashchat"


def series_url(series: Series) -> str:
    return settings.BASE_URL + reverse("chats:series", args=[series.hashtag])


def event_url(event: Event) -> str:
    return settings.BASE_URL + reverse("chats:event", args=[event.series.hashtag, event.id])


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _summary(series: Series, topic: str = "") -> str:
    return f"#{series.hashtag}: {topic}" if topic else f"#{series.hashtag} {series.title}"


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


def _event_component(event: Event, zone: ZoneInfo, *, override: bool) -> VEvent:
    series = event.series
    comp = VEvent()
    comp.add("uid", event_uid(event))
    comp.add("dtstamp", timezone.now().astimezone(UTC))
    if override and event.occurrence_start is not None:
        comp.add("recurrence-id", _local(event.occurrence_start, zone))
    comp.add("dtstart", _local(event.starts_at, zone))
    comp.add("dtend", _local(event.ends_at, zone))
    comp.add("summary", _summary(series, event.topic))
    description = event.description or series.description
    comp.add("description", f"{description}\n\n{event_url(event)}".strip())
    comp.add("url", event_url(event))
    comp.add("status", "CONFIRMED")
    return comp


def series_calendar(series: Series) -> bytes:
    zone = ZoneInfo(series.timezone)
    cal = _calendar(f"#{series.hashtag}")
    master = VEvent()
    master.add("uid", series_uid(series))
    master.add("dtstamp", timezone.now().astimezone(UTC))
    start = recurrence.local_start(series.start_date, series.start_time, zone)
    first = recurrence.rule_for(series)[0].after(start, inc=True) or start
    master.add("dtstart", first)
    master.add("dtend", first + series.duration)
    master.add("rrule", vRecur.from_ical(series.rrule))
    master.add("summary", _summary(series))
    master.add("description", f"{series.description}\n\n{series_url(series)}".strip())
    master.add("url", series_url(series))
    changes = list(series.changes.all())
    skipped = [c.original_start for c in changes if c.new_start is None]
    for moment in sorted(skipped):
        master.add("exdate", _local(moment, zone))
    cal.add_component(master)
    events = list(series.events.exclude(state=Event.State.DRAFT).select_related("series"))
    with_event = {e.occurrence_start for e in events if e.occurrence_start is not None}
    for change in changes:
        if change.new_start is not None and change.original_start not in with_event:
            moved = VEvent()
            moved.add("uid", series_uid(series))
            moved.add("dtstamp", timezone.now().astimezone(UTC))
            moved.add("recurrence-id", _local(change.original_start, zone))
            moved.add("dtstart", _local(change.new_start, zone))
            moved.add("dtend", _local(change.new_start + series.duration, zone))
            moved.add("summary", _summary(series))
            moved.add("url", series_url(series))
            cal.add_component(moved)
    for event in events:
        cal.add_component(_event_component(event, zone, override=True))
    cal.add_missing_timezones()
    return cal.to_ical()


def event_calendar(event: Event) -> bytes:
    zone = ZoneInfo(event.series.timezone)
    cal = _calendar(_summary(event.series, event.topic))
    comp = _event_component(event, zone, override=False)
    # A single event stands alone in its own file: give it a UID of its own.
    comp["uid"] = f"event-{event.id}@hashchat"
    cal.add_component(comp)
    cal.add_missing_timezones()
    return cal.to_ical()


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_url(event: Event) -> str:
    params = {
        "action": "TEMPLATE",
        "text": _summary(event.series, event.topic),
        "dates": f"{_utc_stamp(event.starts_at)}/{_utc_stamp(event.ends_at)}",
        "details": f"{event.description}\n\n{event_url(event)}".strip(),
        "location": event_url(event),
        "ctz": event.series.timezone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


def outlook_url(event: Event) -> str:
    def iso(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": _summary(event.series, event.topic),
        "startdt": iso(event.starts_at),
        "enddt": iso(event.ends_at),
        "body": f"{event.description}\n\n{event_url(event)}".strip(),
        "location": event_url(event),
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(params)


def calendar_links(event: Event) -> dict[str, str]:
    return {
        "google": google_url(event),
        "outlook": outlook_url(event),
        "ics": reverse("chats:event-ics", args=[event.series.hashtag, event.id]),
    }
