"""The chats part of hashchat's own API (/api/hashchat/v1/): series, occurrences,
events with their questions, posts by question, and calendars.

Authentication: the login's session (with its CSRF token for writes), acting with
the login's rights as the pages do; or a Mastodon API bearer token
(`Authorization: Bearer ...`), which acts as exactly the token's profile with
exactly its scopes: `read:chats` (granted by `read`) to read, `write:chats`
(granted by `write`) to change series and events. Other scopes, `write:statuses`
or `write:bookmarks` included, grant nothing here. Errors are {"error": "..."}
with a 4xx status.
"""

from dataclasses import dataclass
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
from chats.permissions import can_edit_series, can_host, open_to_all, profile_hosts
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
from core.errors import InvalidInput, NotAllowed, NotFound

router = Router(tags=["chats"])

# The own API's scopes (mastodon_api.auth lists them with Mastodon's, so apps may
# ask for them; "read" and "write" grant them as they grant every read:/write: scope).
READ_SCOPE = "read:chats"
WRITE_SCOPE = "write:chats"
OWN_SCOPES = (READ_SCOPE, WRITE_SCOPE)
# Each operation's `security` in the OpenAPI document (the schemes are described in
# hashchat/api.py): reads need nothing for what is public, or a token with
# read:chats; writes a token with write:chats or a session.
READS: dict[str, Any] = {"security": [{}, {"token": [READ_SCOPE]}, {"session": []}]}
WRITES: dict[str, Any] = {"security": [{"token": [WRITE_SCOPE]}, {"session": []}]}


@dataclass
class Caller:
    """Who a request acts as. A session acts with its login's rights (scopes None);
    a token acts as its one profile with the own-API scopes it grants."""

    user: User | None
    profile: Profile | None
    scopes: frozenset[str] | None = None

    @property
    def by_token(self) -> bool:
        return self.scopes is not None

    def hosts(self, series: Series) -> bool:
        if self.by_token:
            return profile_hosts(self.profile, series)
        return can_host(self.user, series)

    def edits(self, series: Series) -> bool:
        if self.by_token:
            return self.profile is not None and self.profile.id == series.organiser_id
        return can_edit_series(self.user, series)

    def sees(self, series: Series, event: Event | None = None) -> bool:
        """The series' visibility (chats.permissions): private series and draft
        events are for their hosts only."""
        return open_to_all(series, event) or self.hosts(series)


def _grants(scopes: frozenset[str] | set[str], required: str) -> bool:
    """Whether a token's scopes grant `required`: the scope itself, or its top
    ("read" grants "read:chats", "write" grants "write:chats"), as Mastodon's do."""
    return required in scopes or required.partition(":")[0] in scopes


def _bearer(request: HttpRequest) -> tuple[User | None, Profile | None, frozenset[str]] | None:
    """The one place the own API asks the token layer (accounts.tokens, filled in by
    the app that issues tokens): (user, profile, the own-API scopes the token grants)
    for a valid bearer token, else None."""
    found = authenticate_bearer(request)
    if found is None:
        return None
    user, profile, scopes = found
    return user, profile, frozenset(s for s in OWN_SCOPES if _grants(scopes, s))


def caller(request: HttpRequest, *, write: bool = False) -> Caller:
    """The request's Caller: a bearer token's, else the session's. Refuses a bad
    token (401), a token without the scope (403), and a write without a login (401)."""
    if request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer "):
        found = _bearer(request)
        if found is None:
            raise AuthenticationError()
        user, profile, granted = found
        needed = WRITE_SCOPE if write else READ_SCOPE
        if needed not in granted:
            raise HttpError(403, f"This token lacks the {needed} scope.")
        if write and (user is None or profile is None):
            raise HttpError(403, "An app token cannot act as a profile.")
        return Caller(user, profile, granted)
    user = request.user if request.user.is_authenticated else None
    if write:
        if user is None:
            raise AuthenticationError()
        if check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
    return Caller(user, getattr(request, "profile", None))  # type: ignore[arg-type]


def _need_user(user: User | None) -> User:
    if user is None:
        raise AuthenticationError()
    return user


def _series(hashtag: str, who: Caller) -> Series:
    series = queries.series_by_hashtag(hashtag)
    if series is None or not who.sees(series):
        raise NotFound(f"No series #{hashtag.lstrip('#')}.")
    return series


def find_event(event_id: object, who: Caller) -> Event:
    """The event `who` may see, else NotFound (a private series' events, and draft
    events, are not found for those who do not host)."""
    event = None
    pk = parse_id(event_id)
    if pk is not None:
        event = Event.objects.select_related("series__organiser").filter(pk=pk).first()
    if event is None or not who.sees(event.series, event):
        raise NotFound("No such event.")
    return event


def _check_token_hosts(who: Caller, series: Series, *, organiser: bool = False) -> None:
    """A token acts as its profile only: that profile must host (or organise) the
    series, whatever else its login may do. Sessions are checked by the actions."""
    if not who.by_token:
        return
    if organiser and not who.edits(series):
        raise NotAllowed(f"Only the organiser @{series.organiser.handle} can change this.")
    if not organiser and not who.hosts(series):
        raise NotAllowed(f"Only the hosts of #{series.hashtag} can do that.")


def _plan(items) -> list[dict[str, Any]] | None:
    if items is None:
        return None
    return [item.dict() for item in items]


def _ics(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post("/series", response={201: dict}, summary="Create a series", openapi_extra=WRITES)
def create_series(request: HttpRequest, body: SeriesIn):
    who = caller(request, write=True)
    user = _need_user(who.user)
    organiser = who.profile
    if body.organiser:
        organiser = Profile.objects.by_handle(body.organiser).first()
        if organiser is None:
            raise InvalidInput(f"There is no profile @{body.organiser.lstrip('@')}.")
    if organiser is None:
        raise InvalidInput("Name the organiser profile.")
    if who.by_token and organiser != who.profile:
        raise NotAllowed(f"This token acts as @{who.profile.handle} only.")  # type: ignore[union-attr]
    data = body.dict(exclude={"organiser", "default_plan"})
    series = actions.create_series(
        user=user, organiser=organiser, default_plan=_plan(body.default_plan), **data
    )
    return Status(201, series_dict(series))


@router.get(
    "/series", response=list[dict], summary="Public series, soonest first", openapi_extra=READS
)
def list_series(request: HttpRequest, q: str = ""):
    return [series_dict(e.series) for e in queries.directory(words=q)]


@router.get("/series/{hashtag}.ics", summary="The series' iCalendar feed", openapi_extra=READS)
def series_ics(request: HttpRequest, hashtag: str):
    series = _series(hashtag, caller(request))
    return _ics(calendars.series_calendar(series), f"{series.hashtag}.ics")


@router.get(
    "/series/{hashtag}/occurrences",
    response=list[dict],
    summary="Next occurrences",
    openapi_extra=READS,
)
def occurrences(request: HttpRequest, hashtag: str, count: int = 10):
    series = _series(hashtag, caller(request))
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


@router.get("/series/{hashtag}", response=dict, summary="One series", openapi_extra=READS)
def get_series(request: HttpRequest, hashtag: str):
    return series_dict(_series(hashtag, caller(request)))


@router.patch(
    "/series/{hashtag}",
    response=dict,
    summary="Change a series (its organiser)",
    openapi_extra=WRITES,
)
def patch_series(request: HttpRequest, hashtag: str, body: SeriesPatch):
    who = caller(request, write=True)
    series = _series(hashtag, who)
    _check_token_hosts(who, series, organiser=True)
    changes = body.dict(exclude_unset=True)
    if "default_plan" in changes:
        changes["default_plan"] = _plan(body.default_plan)
    series = actions.update_series(user=_need_user(who.user), series=series, **changes)
    return series_dict(series)


@router.post(
    "/series/{hashtag}/events", response={201: dict}, summary="Plan an event", openapi_extra=WRITES
)
def create_event(request: HttpRequest, hashtag: str, body: EventIn):
    who = caller(request, write=True)
    series = _series(hashtag, who)
    _check_token_hosts(who, series)
    event = actions.create_event(
        user=_need_user(who.user),
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


@router.get("/events/{event_id}.ics", summary="One event as iCalendar", openapi_extra=READS)
def event_ics(request: HttpRequest, event_id: str):
    event = find_event(event_id, caller(request))
    return _ics(calendars.event_calendar(event), f"{event.series.hashtag}-{event.id}.ics")


@router.get(
    "/events/{event_id}", response=dict, summary="An event with its questions", openapi_extra=READS
)
def get_event(request: HttpRequest, event_id: str):
    who = caller(request)
    event = find_event(event_id, who)
    return event_dict(event, show_all_questions=who.hosts(event.series))


@router.patch(
    "/events/{event_id}", response=dict, summary="Change an event (its hosts)", openapi_extra=WRITES
)
def patch_event(request: HttpRequest, event_id: str, body: EventPatch):
    who = caller(request, write=True)
    user = _need_user(who.user)
    event = find_event(event_id, who)
    _check_token_hosts(who, event.series)
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


@router.get(
    "/events/{event_id}/posts", response=list[dict], summary="An event's posts", openapi_extra=READS
)
def event_posts(request: HttpRequest, event_id: str, query: Query[PostsQuery]):
    """Oldest first; `question=N` for the answers to QN, `question=0` for posts that
    answer no question."""
    event = find_event(event_id, caller(request))
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
