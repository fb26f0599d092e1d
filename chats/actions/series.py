"""Create and change a series, and skip or move one of its occurrences."""

import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Profile, User
from accounts.permissions import check_act_as
from chats import accounts, plans, recurrence
from chats.models import Event, OccurrenceChange, Series
from chats.permissions import check_edit_series
from core.errors import Conflict, InvalidInput
from core.hashtags import tag_key
from posts import parsing

MAX_DURATION = 24 * 60
MAX_TAIL_HOURS = 24 * 30
# Words the chats pages use as paths of their own (/chats/new/).
RESERVED = {"new", "api", "feeds", "calendar"}


def clean_hashtag(value: Any, *, exclude: Series | None = None) -> str:
    # Composed (NFC), so that a letter typed with a combining accent is one letter.
    name = unicodedata.normalize("NFC", str(value or "").strip().lstrip("#"))
    if not name:
        raise InvalidInput("A series needs a hashtag.", field="hashtag")
    if len(name) > 100 or parsing.hashtags("#" + name) != [name]:
        raise InvalidInput(
            f"“#{name}” is not a hashtag: use letters, digits or underscores, "
            "with at least one letter.",
            field="hashtag",
        )
    if tag_key(name) in RESERVED:
        raise InvalidInput(f"“#{name}” is reserved; choose another hashtag.", field="hashtag")
    taken = Series.objects.filter(hashtag_key=tag_key(name))
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise Conflict(f"#{name} is already used by another series.", field="hashtag")
    return name


def _clean_text(value: Any, label: str, field: str, limit: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(f"A series needs a {label}.", field=field)
    if len(text) > limit:
        raise InvalidInput(f"The {label} can have at most {limit} characters.", field=field)
    return text


def _clean_int(value: Any, label: str, field: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"The {label} must be a whole number.", field=field)
    if not low <= number <= high:
        raise InvalidInput(f"The {label} must be between {low} and {high}.", field=field)
    return number


def _clean_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput("The first date must be a date (YYYY-MM-DD).", field="start_date")


def _clean_time(value: Any) -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    try:
        return time.fromisoformat(str(value)).replace(second=0, microsecond=0)
    except ValueError:
        raise InvalidInput("The start time must be a time (HH:MM).", field="start_time")


def _cohosts(handles: Any, organiser: Profile) -> list[Profile]:
    if isinstance(handles, str):
        handles = handles.replace(",", " ").split()
    found = []
    for handle in handles or []:
        if isinstance(handle, Profile):
            profile: Profile | None = handle
        else:
            profile = Profile.objects.by_handle(str(handle)).first()
        if profile is None:
            raise InvalidInput(f"There is no profile @{str(handle).lstrip('@')}.", field="cohosts")
        if profile.pk != organiser.pk and profile not in found:
            found.append(profile)
    return found


def _clean(values: dict[str, Any], series: Series | None) -> dict[str, Any]:
    """All fields of a series, checked together."""
    clean: dict[str, Any] = {}
    clean["hashtag"] = clean_hashtag(values["hashtag"], exclude=series)
    clean["title"] = _clean_text(values["title"], "title", "title", 200)
    clean["description"] = _clean_text(
        values.get("description"), "description", "description", 5000, required=False
    )
    clean["timezone"] = str(values["timezone"] or "").strip()
    recurrence.get_zone(clean["timezone"])
    clean["start_date"] = _clean_date(values["start_date"])
    clean["start_time"] = _clean_time(values["start_time"])
    clean["rrule"] = recurrence.validate(
        values["rrule"], clean["timezone"], clean["start_date"], clean["start_time"]
    )
    clean["duration_minutes"] = _clean_int(
        values.get("duration_minutes", 60), "duration", "duration_minutes", 5, MAX_DURATION
    )
    clean["tail_hours"] = _clean_int(
        values.get("tail_hours", 72), "tail window", "tail_hours", 0, MAX_TAIL_HOURS
    )
    plan = values.get("default_plan")
    clean["default_plan"] = plans.clean_plan(
        plans.default_plan(plan), clean["duration_minutes"], clean["hashtag"]
    )
    clean["questions_public"] = bool(values.get("questions_public", False))
    clean["is_public"] = bool(values.get("is_public", True))
    return clean


def create_series(
    *,
    user: User,
    organiser: Profile,
    hashtag: str,
    title: str,
    timezone: str,
    rrule: str,
    start_time: Any,
    start_date: Any = None,
    description: str = "",
    duration_minutes: Any = 60,
    tail_hours: Any = 72,
    default_plan: list | None = None,
    questions_public: bool = False,
    is_public: bool = True,
    cohosts: Any = (),
) -> Series:
    """A new series organised by `organiser` (a profile `user` may act as)."""
    check_act_as(user, organiser)
    values = {
        "hashtag": hashtag,
        "title": title,
        "description": description,
        "timezone": timezone,
        "rrule": rrule,
        "start_time": start_time,
        "start_date": start_date or _today_in(timezone),
        "duration_minutes": duration_minutes,
        "tail_hours": tail_hours,
        "default_plan": default_plan,
        "questions_public": questions_public,
        "is_public": is_public,
    }
    clean = _clean(values, None)
    hosts = _cohosts(cohosts, organiser)
    try:
        with transaction.atomic():
            series = Series.objects.create(organiser=organiser, **clean)
            series.cohosts.set(hosts)
            accounts.make_account(series)
    except IntegrityError:
        raise Conflict(f"#{clean['hashtag']} is already used by another series.", field="hashtag")
    return series


def _today_in(zone_name: str) -> date:
    try:
        zone = recurrence.get_zone(zone_name)
    except InvalidInput:
        return timezone.now().date()
    return timezone.now().astimezone(zone).date()


SERIES_FIELDS = (
    "hashtag",
    "title",
    "description",
    "timezone",
    "rrule",
    "start_time",
    "start_date",
    "duration_minutes",
    "tail_hours",
    "default_plan",
    "questions_public",
    "is_public",
)


def update_series(*, user: User, series: Series, **changes: Any) -> Series:
    """Change some fields of a series (any of SERIES_FIELDS, and `cohosts`). Events
    already planned keep their times; new events follow the new rule."""
    check_edit_series(user, series)
    unknown = set(changes) - set(SERIES_FIELDS) - {"cohosts"}
    if unknown:
        raise InvalidInput(f"Unknown field: {', '.join(sorted(unknown))}.")
    values = {name: getattr(series, name) for name in SERIES_FIELDS}
    values.update({k: v for k, v in changes.items() if k != "cohosts"})
    clean = _clean(values, series)
    hosts = _cohosts(changes["cohosts"], series.organiser) if "cohosts" in changes else None
    try:
        with transaction.atomic():
            for name, value in clean.items():
                setattr(series, name, value)
            series.save(update_fields=list(clean))
            if hosts is not None:
                series.cohosts.set(hosts)
    except IntegrityError:
        raise Conflict(f"#{clean['hashtag']} is already used by another series.", field="hashtag")
    return series


def _check_occurrence(series: Series, original: datetime) -> None:
    if timezone.is_naive(original):
        raise InvalidInput("An occurrence is a time with its timezone.", field="original")
    recurrence.check_date(original, "original", "The occurrence")
    if not recurrence.is_occurrence(series, original):
        raise InvalidInput(
            f"#{series.hashtag} has no occurrence at {original.isoformat()}.", field="original"
        )


def _event_for(series: Series, original: datetime) -> Event | None:
    return Event.objects.filter(series=series, occurrence_start=original).first()


def skip_occurrence(*, user: User, series: Series, original: datetime) -> OccurrenceChange:
    """Leave out one occurrence of the rule (an EXDATE in the calendar feed)."""
    check_edit_series(user, series)
    _check_occurrence(series, original)
    if _event_for(series, original) is not None:
        raise Conflict(
            "An event is planned for this occurrence: delete the event first.", field="original"
        )
    with transaction.atomic():
        change, _ = OccurrenceChange.objects.update_or_create(
            series=series, original_start=original, defaults={"new_start": None}
        )
    return change


def move_occurrence(
    *, user: User, series: Series, original: datetime, new_start: datetime
) -> OccurrenceChange:
    """Hold one occurrence at another time; an event planned for it moves too."""
    check_edit_series(user, series)
    _check_occurrence(series, original)
    if timezone.is_naive(new_start):
        raise InvalidInput("The new start needs a timezone.", field="new_start")
    recurrence.check_date(new_start, "new_start", "The new start")
    now = timezone.now()
    if new_start + series.duration <= now:
        raise InvalidInput("The new start has already passed.", field="new_start")
    event = _event_for(series, original)
    if event is not None and event.questions.filter(claimed_at__isnull=False).exists():
        raise Conflict("This event has already begun posting; it cannot move.")
    with transaction.atomic():
        change, _ = OccurrenceChange.objects.update_or_create(
            series=series, original_start=original, defaults={"new_start": new_start}
        )
        if event is not None:
            _set_event_start(event, new_start)
    return change


def _set_event_start(event: Event, starts_at: datetime) -> None:
    event.starts_at = starts_at
    event.ends_at = starts_at + timedelta(minutes=event.series.duration_minutes)
    event.window_ends_at = event.ends_at + event.series.tail
    event.started_announced_at = None
    event.ended_announced_at = None
    event.save(
        update_fields=[
            "starts_at",
            "ends_at",
            "window_ends_at",
            "started_announced_at",
            "ended_announced_at",
        ]
    )


def restore_occurrence(*, user: User, series: Series, original: datetime) -> None:
    """Undo a skip or a move (an event planned for a moved occurrence moves back)."""
    check_edit_series(user, series)
    change = OccurrenceChange.objects.filter(series=series, original_start=original).first()
    if change is None:
        return
    event = _event_for(series, original)
    if event is not None and event.questions.filter(claimed_at__isnull=False).exists():
        raise Conflict("This event has already begun posting; it cannot move.")
    with transaction.atomic():
        change.delete()
        if event is not None:
            _set_event_start(event, original)
