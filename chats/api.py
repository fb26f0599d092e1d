"""The chats part of hashchat's own API (/api/hashchat/v1/): series, occurrences,
events with their questions, posts by question, and calendars.

Authentication: the login's session (with its CSRF token for writes) or a
Mastodon API bearer token (`Authorization: Bearer ...`, acting as the token's
profile). Errors are {"error": "..."} with a 4xx status.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.responses import Status
from ninja.utils import check_csrf

from accounts.models import Profile, User
from accounts.tokens import authenticate_bearer
from chats import actions, calendars, queries
from chats.models import Event, Series
from chats.permissions import can_host
from chats.schemas import (
    EventIn,
    EventPatch,
    SeriesIn,
    SeriesPatch,
    event_dict,
    iso,
    series_dict,
)
from chats.views.common import parse_id
from core.errors import InvalidInput, NotFound

router = Router(tags=["chats"])


def caller(request: HttpRequest, *, write: bool = False) -> tuple[User | None, Profile | None]:
    """(user, profile) of the request: a bearer token's, else the session's."""
    if request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer "):
        found = authenticate_bearer(request)
        if found is None or (write and found[0] is None):
            # An unknown or revoked token; an app-only token may only read.
            raise AuthenticationError()
        user, profile, scopes = found
        needed = "write" if write else "read"
        if not any(s == needed or s.startswith(needed + ":") for s in scopes):
            raise HttpError(403, f"This token lacks the {needed} scope.")
        return user, profile
    user = request.user if request.user.is_authenticated else None
    if write:
        if user is None:
            raise AuthenticationError()
        if check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
    return user, getattr(request, "profile", None)  # type: ignore[return-value]


def _need_user(user: User | None) -> User:
    if user is None:
        raise AuthenticationError()
    return user


def _series(hashtag: str, user: User | None = None) -> Series:
    series = queries.series_by_hashtag(hashtag)
    if series is None or (not series.is_public and not can_host(user, series)):
        raise NotFound(f"No series #{hashtag.lstrip('#')}.")
    return series


def _event(event_id: str, user: User | None = None) -> Event:
    event = None
    pk = parse_id(event_id)
    if pk is not None:
        event = Event.objects.select_related("series__organiser").filter(pk=pk).first()
    if event is None:
        raise NotFound("No such event.")
    if event.state == Event.State.DRAFT and not can_host(user, event.series):
        raise NotFound("No such event.")
    return event


def _plan(items) -> list[dict[str, Any]] | None:
    if items is None:
        return None
    return [item.dict() for item in items]


def _ics(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post("/series", response={201: dict}, summary="Create a series")
def create_series(request: HttpRequest, body: SeriesIn):
    user, profile = caller(request, write=True)
    user = _need_user(user)
    organiser = profile
    if body.organiser:
        organiser = Profile.objects.by_handle(body.organiser).first()
        if organiser is None:
            raise InvalidInput(f"There is no profile @{body.organiser.lstrip('@')}.")
    if organiser is None:
        raise InvalidInput("Name the organiser profile.")
    data = body.dict(exclude={"organiser", "default_plan"})
    series = actions.create_series(
        user=user, organiser=organiser, default_plan=_plan(body.default_plan), **data
    )
    return Status(201, series_dict(series))


@router.get("/series", response=list[dict], summary="Public series, soonest first")
def list_series(request: HttpRequest, q: str = ""):
    return [series_dict(e.series) for e in queries.directory(words=q)]


@router.get("/series/{hashtag}.ics", summary="The series' iCalendar feed")
def series_ics(request: HttpRequest, hashtag: str):
    user, _ = caller(request)
    series = _series(hashtag, user)
    return _ics(calendars.series_calendar(series), f"{series.hashtag}.ics")


@router.get("/series/{hashtag}/occurrences", response=list[dict], summary="Next occurrences")
def occurrences(request: HttpRequest, hashtag: str, count: int = 10):
    user, _ = caller(request)
    series = _series(hashtag, user)
    if not 1 <= count <= 100:
        raise InvalidInput("count must be between 1 and 100.")
    zone = series.timezone
    return [
        {
            "starts_at": iso(o.starts_at, zone),
            "ends_at": iso(o.ends_at, zone),
            "starts_at_utc": iso(o.starts_at),
            "original_start": iso(o.original, zone),
            "event_id": str(o.event.id) if o.event else None,
            "topic": o.topic or None,
        }
        for o in queries.upcoming(series, timezone.now(), count)
    ]


@router.get("/series/{hashtag}", response=dict, summary="One series")
def get_series(request: HttpRequest, hashtag: str):
    user, _ = caller(request)
    return series_dict(_series(hashtag, user))


@router.patch("/series/{hashtag}", response=dict, summary="Change a series (its organiser)")
def patch_series(request: HttpRequest, hashtag: str, body: SeriesPatch):
    user, _ = caller(request, write=True)
    series = _series(hashtag, user)
    changes = body.dict(exclude_unset=True)
    if "default_plan" in changes:
        changes["default_plan"] = _plan(body.default_plan)
    series = actions.update_series(user=_need_user(user), series=series, **changes)
    return series_dict(series)


@router.post("/series/{hashtag}/events", response={201: dict}, summary="Plan an event")
def create_event(request: HttpRequest, hashtag: str, body: EventIn):
    user, _ = caller(request, write=True)
    series = _series(hashtag, user)
    event = actions.create_event(
        user=_need_user(user),
        series=series,
        topic=body.topic,
        description=body.description,
        occurrence_start=body.occurrence_start,
        starts_at=body.starts_at,
        questions=_plan(body.questions),
        questions_public=body.questions_public,
        draft=body.draft,
    )
    return Status(201, event_dict(event, show_all_questions=True))


@router.get("/events/{event_id}.ics", summary="One event as iCalendar")
def event_ics(request: HttpRequest, event_id: str):
    user, _ = caller(request)
    event = _event(event_id, user)
    return _ics(calendars.event_calendar(event), f"{event.series.hashtag}-{event.id}.ics")


@router.get("/events/{event_id}", response=dict, summary="An event with its questions")
def get_event(request: HttpRequest, event_id: str):
    user, _ = caller(request)
    event = _event(event_id, user)
    return event_dict(event, show_all_questions=can_host(user, event.series))


@router.patch("/events/{event_id}", response=dict, summary="Change an event (its hosts)")
def patch_event(request: HttpRequest, event_id: str, body: EventPatch):
    user, _ = caller(request, write=True)
    user = _need_user(user)
    event = _event(event_id, user)
    actions.check_host(user, event.series)
    changes = body.dict(exclude_unset=True)
    questions = changes.pop("questions", None)
    if changes:
        actions.update_event(user=user, event=event, **changes)
    if questions is not None:
        actions.set_questions(user=user, event=event, items=questions)
    event.refresh_from_db()
    return event_dict(event, show_all_questions=True)


class PostsQuery(Schema):
    question: int | None = None


@router.get("/events/{event_id}/posts", response=list[dict], summary="An event's posts")
def event_posts(request: HttpRequest, event_id: str, query: Query[PostsQuery]):
    """Oldest first; `question=N` for the answers to QN, `question=0` for posts that
    answer no question."""
    user, _ = caller(request)
    event = _event(event_id, user)
    if query.question is not None and not 0 <= query.question <= 32767:
        raise InvalidInput("question is a question number (0 for none).")
    posts = queries.event_posts(event, query.question).select_related("chat__question")[:1000]
    zone = event.series.timezone
    return [
        {
            "id": str(p.id),
            "author": {"id": str(p.author_id), "handle": p.author.handle},
            "text": p.text,
            "html": p.html,
            "created_at": iso(p.created_at, zone),
            "in_reply_to_id": str(p.in_reply_to_id) if p.in_reply_to_id else None,
            "question": p.chat.question.number if p.chat.question else None,
            "via": p.chat.via,
        }
        for p in posts
    ]
