"""A series' own account, @libchat: a local profile of kind "chat" that nobody logs
in as. The apps above make it followable from other servers; the server acts as it
(through accounts.permissions.ServiceActor) to boost the chat's posts and to follow
back its followers. Its handle is the series' hashtag as first written, and stays
when the hashtag changes (handles never change)."""

import re
from typing import Any

from django.db import transaction

from accounts.models import HANDLE_RE, Profile, User
from accounts.permissions import ServiceActor
from chats.models import Event, Series
from chats.permissions import check_edit_series


def make_account(series: Series) -> Profile | None:
    """Give `series` its account (inside the caller's transaction). None when the
    hashtag cannot be a handle or another profile already has it."""
    if series.account_id is not None:
        return series.account
    handle = series.hashtag
    if not re.fullmatch(HANDLE_RE, handle) or Profile.objects.by_handle(handle).exists():
        return None
    with transaction.atomic():
        profile = Profile.objects.create(
            handle=handle,
            kind=Profile.Kind.CHAT,
            display_name=f"#{series.hashtag}"[:100],
            bio=_bio(series),
        )
        Series.objects.filter(pk=series.pk).update(account=profile)
    series.account = profile
    return profile


def _bio(series: Series) -> str:
    text = series.title if not series.description else f"{series.title}\n{series.description}"
    return text[:500]


def series_of(profile: Profile) -> Series | None:
    """The series whose chat account `profile` is."""
    if not profile.is_chat_account:
        return None
    return Series.objects.filter(account=profile).select_related("organiser").first()


def acting_as(series: Series) -> Any:
    """The caller the actions take for the server acting as the series' account
    (a ServiceActor, which the actions accept where they take a login)."""
    assert series.account is not None
    return ServiceActor(series.account)


def next_event(series: Series, now) -> Event | None:
    """The event now live, else the next one planned."""
    return (
        series.events.exclude(state=Event.State.DRAFT)
        .filter(ends_at__gt=now)
        .order_by("starts_at")
        .first()
    )


def set_options(
    *,
    user: User,
    series: Series,
    boost_outside_events: bool | None = None,
    follow_back: bool | None = None,
) -> Series:
    """The chat account's settings, changed by whoever may edit the series."""
    check_edit_series(user, series)
    fields = []
    if boost_outside_events is not None:
        series.boost_outside_events = bool(boost_outside_events)
        fields.append("boost_outside_events")
    if follow_back is not None:
        series.follow_back = bool(follow_back)
        fields.append("follow_back")
    if fields:
        series.save(update_fields=fields)
    return series
