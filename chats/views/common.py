import functools
from zoneinfo import ZoneInfo

from django import forms
from django.http import Http404
from django.shortcuts import render

from accounts import zones
from accounts.models import Profile
from chats.models import Event, Series
from chats.permissions import can_host, can_see_event, can_see_series, is_host_profile
from chats.queries import series_by_hashtag
from chats.room import hosting_profile
from chats.timefmt import zone_or_none
from core.errors import ActionError, NotAllowed
from core.ids import MAX_ID
from core.ids import parse_id as core_parse_id


def visible_series(request, hashtag: str) -> Series:
    """The series, or 404 when there is none or the viewer may not see it (a private
    series is for its hosts only: chats.permissions.can_see_series)."""
    series = series_by_hashtag(hashtag)
    if series is None or not can_see_series(request.user, series):
        raise Http404("No such chat.")
    return series


def visible_event(request, hashtag: str, event_id: int) -> Event:
    """The event of the series, or 404 when the viewer may not see it (an event of a
    private series, or a draft, is for the hosts only: can_see_event)."""
    series = visible_series(request, hashtag)
    event = (
        Event.objects.select_related("series__organiser").filter(pk=event_id, series=series).first()
    )
    if event is None or not can_see_event(request.user, event):
        raise Http404("No such event.")
    return event


def event_form_initial(event: Event) -> dict:
    """The event edit form's values for `event`, its start in the series' zone."""
    zone = ZoneInfo(event.series.timezone)
    return {
        "topic": event.topic,
        "description": event.description,
        "starts_at": event.starts_at.astimezone(zone).replace(tzinfo=None),
        "questions_public": event.questions_public,
        "draft": event.state == Event.State.DRAFT,
    }


def apply_error(form: forms.Form, error: ActionError) -> None:
    """Put an action's error on the form field it names, or on the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def viewer_zone(request) -> str:
    """The viewer's zone: ?tz= (the directory's filters), else the one every page
    uses (accounts.zones.viewer_zone: the browser's, the profile's, UTC)."""
    wanted = request.GET.get("tz", "")
    if zone_or_none(wanted):
        return wanted
    return zones.viewer_zone(request)


def host_page(view):
    """Render a plain 403 page with the action's message when the login is no host."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotAllowed as e:
            return render(request, "chats/forbidden.html", {"message": e.message}, status=403)

    return wrapper


def moderating_profile(request, event) -> Profile | None:
    """The host profile this login moderates `event` as, whatever profile it is
    posting as: the active one when it is a host, else the first host profile
    (organiser, then co-hosts) the login may act as; None for anyone else."""
    active = getattr(request, "profile", None)
    if active is not None and not active.is_suspended and is_host_profile(active, event.series):
        return active  # type: ignore[no-any-return]
    return hosting_profile(request.user, event)


def host_event(request, hashtag, event_id) -> Event:
    event = visible_event(request, hashtag, event_id)
    if not can_host(request.user, event.series):
        raise NotAllowed(f"Only the hosts of #{event.series.hashtag} can do that.")
    return event


def parse_id(value: object, limit: int = MAX_ID) -> int | None:
    """A non-negative whole number written in ASCII digits, at most `limit`; else None."""
    number = core_parse_id(value)
    return number if number is not None and number <= limit else None
