"""Request and response shapes of the chats API (ids as strings, times in ISO 8601
with their offset)."""

from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema

from chats import calendars, queries
from chats.models import Event, Question, Series
from chats.timefmt import in_zone


class PlanItem(Schema):
    id: str | None = Field(None, description="An existing question's id (PATCH only).")
    kind: Literal["welcome", "question", "closing"] = "question"
    text: str
    offset: int = Field(..., description="Minutes after the start.")


class SeriesIn(Schema):
    hashtag: str
    title: str
    description: str = ""
    organiser: str | None = Field(
        None, description="Handle of the organiser profile; the caller's profile when absent."
    )
    cohosts: list[str] = []
    timezone: str = Field(..., examples=["Asia/Hong_Kong"])
    rrule: str = Field(..., examples=["FREQ=MONTHLY;BYDAY=1TU"])
    start_time: str = Field(..., examples=["19:00"])
    start_date: date | None = None
    duration_minutes: int = 60
    tail_hours: int = 72
    default_plan: list[PlanItem] | None = None
    questions_public: bool = False
    is_public: bool = True


class SeriesPatch(Schema):
    hashtag: str | None = None
    title: str | None = None
    description: str | None = None
    cohosts: list[str] | None = None
    timezone: str | None = None
    rrule: str | None = None
    start_time: str | None = None
    start_date: date | None = None
    duration_minutes: int | None = None
    tail_hours: int | None = None
    default_plan: list[PlanItem] | None = None
    questions_public: bool | None = None
    is_public: bool | None = None


class EventIn(Schema):
    topic: str
    description: str = ""
    occurrence_start: datetime | None = Field(
        None, description="One of the series' occurrences (with offset)."
    )
    starts_at: datetime | None = Field(
        None, description="A start of its own (with offset), for an extra event."
    )
    questions: list[PlanItem] | None = Field(
        None, description="The plan; the series' default plan when absent."
    )
    questions_public: bool | None = None
    draft: bool = False


class EventPatch(Schema):
    topic: str | None = None
    description: str | None = None
    starts_at: datetime | None = None
    questions_public: bool | None = None
    state: Literal["draft", "scheduled"] | None = None
    questions: list[PlanItem] | None = Field(
        None,
        description="The whole plan: items with an id update that question, items without "
        "add one, questions left out are removed. Posted questions cannot change.",
    )


def iso(moment: datetime | None, zone: str = "UTC") -> str | None:
    return in_zone(moment, zone).isoformat() if moment else None


def profile_dict(profile) -> dict:
    return {"id": str(profile.id), "handle": profile.handle, "display_name": profile.name}


def series_dict(series: Series) -> dict:
    nxt = queries.next_occurrence(series)
    return {
        "id": str(series.id),
        "hashtag": series.hashtag,
        "title": series.title,
        "description": series.description,
        "organiser": profile_dict(series.organiser),
        "cohosts": [profile_dict(p) for p in series.cohosts.all()],
        "timezone": series.timezone,
        "rrule": series.rrule,
        "start_time": series.start_time.strftime("%H:%M"),
        "start_date": series.start_date.isoformat(),
        "duration_minutes": series.duration_minutes,
        "tail_hours": series.tail_hours,
        "default_plan": series.default_plan,
        "questions_public": series.questions_public,
        "is_public": series.is_public,
        "next_occurrence": iso(nxt.starts_at, series.timezone) if nxt else None,
        "url": calendars.series_url(series),
        "ics_url": calendars.series_url(series) + "calendar.ics",
    }


def question_dict(q: Question, zone: str) -> dict:
    return {
        "id": str(q.pk),
        "kind": q.kind,
        "number": q.number,
        "label": q.label,
        "text": q.text,
        "offset": q.offset_minutes,
        "due_at": iso(q.due_at(), zone),
        "posted_at": iso(q.posted_at, zone),
        "post_id": str(q.post_id) if q.post_id else None,
        "delay_seconds": q.delay_seconds,
        "skipped_reason": q.skipped_reason or None,
    }


def event_dict(event: Event, *, show_all_questions: bool) -> dict:
    series = event.series
    zone = series.timezone
    questions = list(event.questions.all())
    if not (show_all_questions or event.questions_public):
        questions = [q for q in questions if q.post_id is not None]
    return {
        "id": str(event.id),
        "series": series.hashtag,
        "topic": event.topic,
        "description": event.description,
        "state": event.current_state(timezone.now()),
        "starts_at": iso(event.starts_at, zone),
        "ends_at": iso(event.ends_at, zone),
        "window_ends_at": iso(event.window_ends_at, zone),
        "occurrence_start": iso(event.occurrence_start, zone),
        "questions_public": event.questions_public,
        "questions": [question_dict(q, zone) for q in questions],
        "url": calendars.event_url(event),
        "ics_url": calendars.event_url(event) + "event.ics",
    }
