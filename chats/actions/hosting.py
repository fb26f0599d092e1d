"""Starting to host: a series, and when asked the organisation profile that hosts
it, created together (both or neither). `series_problems` checks every field of a
series at once, so a form can show all its mistakes in one go."""

from collections.abc import Callable
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import actions as accounts
from accounts.models import Profile, User, handle_validator
from chats import plans, recurrence
from chats.actions.series import (
    MAX_DURATION,
    MAX_TAIL_HOURS,
    _clean_int,
    _clean_text,
    clean_hashtag,
    create_series,
)
from chats.models import Series
from core.errors import ActionError, InvalidInput


def _handle_problem(handle: str) -> str | None:
    handle = (handle or "").strip().lstrip("@")
    try:
        handle_validator(handle)
    except ValidationError as e:
        return str(e.messages[0])
    if Profile.objects.filter(handle__iexact=handle).exists():
        return f"The handle @{handle} is taken."
    return None


def series_problems(
    values: dict[str, Any], *, series: Series | None = None, new_org_handle: str | None = None
) -> dict[str, str]:
    """Every problem with a series' values, by field ({} when all is well). A value
    left out (a form field that is already in error) is not checked."""
    problems: dict[str, str] = {}

    def check(name: str, step: Callable[[], object]) -> None:
        if name not in values:
            return
        try:
            step()
        except ActionError as e:
            problems.setdefault(e.field or name, e.message)

    check("hashtag", lambda: clean_hashtag(values["hashtag"], exclude=series))
    check("title", lambda: _clean_text(values["title"], "title", "title", 200))
    check("timezone", lambda: recurrence.get_zone(values["timezone"]))
    zone = values.get("timezone") if "timezone" not in problems else "UTC"
    start_date, start_time = values.get("start_date"), values.get("start_time")
    if isinstance(start_date, date) and isinstance(start_time, time) and zone:
        check("rrule", lambda: recurrence.validate(values["rrule"], zone, start_date, start_time))
    check(
        "duration_minutes",
        lambda: _clean_int(
            values.get("duration_minutes", 60), "duration", "duration_minutes", 5, MAX_DURATION
        ),
    )
    check(
        "tail_hours",
        lambda: _clean_int(
            values.get("tail_hours", 72), "tail window", "tail_hours", 0, MAX_TAIL_HOURS
        ),
    )
    if new_org_handle is not None:
        problem = _handle_problem(new_org_handle)
        if problem:
            problems["new_org_handle"] = problem
    for handle in _handles(values.get("cohosts")):
        if Profile.objects.by_handle(handle).first() is None:
            problems.setdefault("cohosts", f"There is no profile @{handle.lstrip('@')}.")
    if values.get("default_plan") and "duration_minutes" not in problems:
        problems.update({k: v for k, v in _plan_problems(values).items() if k not in problems})
    return problems


def _handles(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.replace(",", " ").split()
    return [str(h) for h in value or [] if not isinstance(h, Profile)]


PLAN_FIELDS = {"welcome": "welcome_text", "question": "questions_text", "closing": "closing_text"}


def _plan_problems(values: dict[str, Any]) -> dict[str, str]:
    """The default plan's problems, by the form field that holds each post's text."""
    duration = int(values.get("duration_minutes", 60))
    hashtag = str(values.get("hashtag") or "").strip().lstrip("#") or "x"
    problems: dict[str, str] = {}
    number = 0
    for item in values["default_plan"]:
        kind = item.get("kind", "question")
        number += kind == "question"
        try:
            plans.clean_item(kind, item.get("text"), item.get("offset"), duration, hashtag)
        except InvalidInput as e:
            which = f"Question {number}: " if kind == "question" else ""
            problems.setdefault(PLAN_FIELDS.get(kind, "questions_text"), which + e.message)
    return problems


def start_series(
    *,
    user: User,
    organiser: Profile | None = None,
    new_organisation: dict[str, str] | None = None,
    **series_fields: Any,
) -> Series:
    """A series hosted by `organiser`, or by a new organisation profile
    (`new_organisation`: {"handle", "display_name"}) created in the same
    transaction: if the series is refused, no organisation is left behind."""
    with transaction.atomic():
        if new_organisation is not None:
            try:
                organiser = accounts.create_organisation(
                    user=user,
                    handle=new_organisation.get("handle", ""),
                    display_name=new_organisation.get("display_name", ""),
                )
            except ActionError as e:
                field = {"handle": "new_org_handle", "display_name": "new_org_name"}
                raise type(e)(e.message, field=field.get(e.field or "", e.field))
        if organiser is None:
            raise InvalidInput("Choose who hosts the chat.", field="organiser")
        return create_series(user=user, organiser=organiser, **series_fields)
