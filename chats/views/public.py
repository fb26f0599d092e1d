"""Pages anyone can read: the directory, a series, an event, and calendars."""

from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from chats import calendars, panels, queries, recurrence
from chats.actions.rsvps import REMIND_CHOICES
from chats.forms import RsvpForm
from chats.models import Event, Rsvp
from chats.permissions import can_edit_series, can_host
from chats.timefmt import fmt, world_times
from chats.views import follow
from chats.views.common import (
    moderating_profile,
    parse_id,
    viewer_zone,
    visible_event,
    visible_series,
)

# Posts listed on an event page; the room and the transcript show every one.
POSTS_SHOWN = 50


def directory(request):
    """Every public series with its next occurrence; words, weekday, time of day."""
    zone = viewer_zone(request)
    words = request.GET.get("q", "").strip()[:200]
    weekday = request.GET.get("weekday", "")
    if weekday not in queries.WEEKDAYS:
        weekday = ""
    part = request.GET.get("time", "")
    if part not in queries.TIMES_OF_DAY:
        part = ""
    entries = queries.directory(words=words, weekday=weekday, time_of_day=part, zone=ZoneInfo(zone))
    return render(
        request,
        "chats/directory.html",
        {
            "entries": entries,
            "q": words,
            "weekday": weekday,
            "time": part,
            "tz": zone,
            "weekdays": queries.WEEKDAYS,
            "times_of_day": list(queries.TIMES_OF_DAY),
        },
    )


def series_detail(request, hashtag):
    series = visible_series(request, hashtag)
    now = timezone.now()
    zone = viewer_zone(request)
    upcoming = queries.upcoming(series, now, 6)
    hosting = can_host(request.user, series)
    handle = follow.account_handle(series)
    past = list(
        series.events.filter(ends_at__lte=now)
        .exclude(state=Event.State.DRAFT)
        .order_by("-starts_at")[:12]
    )
    drafts = list(series.events.filter(state=Event.State.DRAFT)) if hosting else []
    changes = list(series.changes.order_by("original_start")) if hosting else []
    response = render(
        request,
        "chats/series.html",
        {
            "series": series,
            "cohosts": list(series.cohosts.all()),
            "upcoming": upcoming,
            "past": past,
            "drafts": drafts,
            "changes": changes,
            "hosting": hosting,
            "editing": can_edit_series(request.user, series),
            "viewer_zone": zone,
            "now": now,
            "feed_url": calendars.series_url(series) + "calendar.ics",
            "rule_text": recurrence.describe(series.rrule),
            "account_handle": handle,
            "follow_form": follow.FollowFromServerForm(),
        },
    )
    return follow.allow_leaving_for_other_servers(request, response) if handle else response


def event_detail(request, hashtag, event_id):
    event = visible_event(request, hashtag, event_id)
    series = event.series
    hosting = can_host(request.user, series)
    now = timezone.now()
    state = event.current_state(now)
    questions = list(event.questions.all())
    show_questions = hosting or event.questions_public or state != Event.State.SCHEDULED
    if not show_questions:
        questions = []
    elif not hosting and not event.questions_public:
        # Before the end only the questions already asked are shown.
        questions = [q for q in questions if q.post_id is not None]
    profile = getattr(request, "profile", None)
    my_rsvp = Rsvp.objects.filter(profile=profile, event=event).first() if profile else None
    rsvp_form = RsvpForm(
        initial={
            "remind_minutes": my_rsvp.remind_minutes if my_rsvp else REMIND_CHOICES[2][0],
            "remind_email": my_rsvp.remind_email if my_rsvp else True,
        }
    )
    question_filter = request.GET.get("question", "")
    number = parse_id(question_filter, limit=32767)
    posts = []
    if state != Event.State.SCHEDULED:
        # A page, not the whole conversation: the room and the transcript have it all.
        posts = list(queries.event_posts(event, number).not_hidden_for(profile)[: POSTS_SHOWN + 1])
    zone = viewer_zone(request)
    return render(
        request,
        "chats/event.html",
        {
            "event": event,
            "series": series,
            "state": state,
            "questions": questions,
            "asked": [q for q in event.questions.all() if q.kind == "question"],
            "hosting": hosting,
            "host_panels": panels.render(request, event) if hosting else [],
            "my_rsvp": my_rsvp,
            "rsvp_form": rsvp_form,
            "rsvp_count": event.rsvps.count(),
            "organiser_time": fmt(event.starts_at, series.timezone),
            "utc_time": fmt(event.starts_at, "UTC"),
            "viewer_time": fmt(event.starts_at, zone),
            "viewer_zone": zone,
            "world": world_times(event.starts_at),
            "links": calendars.calendar_links(event),
            "seconds_to_start": max(0, int((event.starts_at - now).total_seconds())),
            "posts": posts[:POSTS_SHOWN],
            "more_posts": len(posts) > POSTS_SHOWN,
            "question_filter": number,
            "can_hide": hosting and moderating_profile(request, event) is not None,
        },
    )


def _ics(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def series_ics(request, hashtag):
    series = visible_series(request, hashtag)
    return _ics(calendars.series_calendar(series), f"{series.hashtag}.ics")


def event_ics(request, hashtag, event_id):
    event = visible_event(request, hashtag, event_id)
    return _ics(calendars.event_calendar(event), f"{event.series.hashtag}-{event.id}.ics")


def how_to_take_part(request):
    """A short guide for newcomers, linked from every room and event page."""
    return render(request, "chats/how_to_take_part.html")
