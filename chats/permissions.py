"""Who may change a series or host its events.

A series is edited by the logins that may act as its organiser profile; its
events and questions are run by those and by the logins of its co-host profiles.
"""

from accounts.models import Membership, Profile, User
from accounts.permissions import can_act_as
from chats.models import Event, Series
from core.errors import NotAllowed


def can_edit_series(user: User | None, series: Series) -> bool:
    return can_act_as(user, series.organiser)


def check_edit_series(user: User | None, series: Series) -> None:
    if not can_edit_series(user, series):
        raise NotAllowed(
            f"Only the organiser @{series.organiser.handle} can change #{series.hashtag}."
        )


def host_profiles(series: Series) -> list[Profile]:
    return [series.organiser, *series.cohosts.all()]


def host_profile_ids(series: Series) -> set[int]:
    """The ids of the organiser and co-host profiles (one query)."""
    return {series.organiser_id, *series.cohosts.values_list("id", flat=True)}


def is_host_profile(profile: Profile | None, series: Series) -> bool:
    if profile is None:
        return False
    return profile.id == series.organiser_id or series.cohosts.filter(pk=profile.pk).exists()


def can_host(user: User | None, series: Series) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if can_edit_series(user, series):
        return True
    return Membership.objects.filter(
        user=user, profile__in=series.cohosts.all(), profile__is_suspended=False
    ).exists()


def check_host(user: User | None, series: Series) -> None:
    if not can_host(user, series):
        raise NotAllowed(f"Only the hosts of #{series.hashtag} can do that.")


# Who may see a series and its events. A private series (is_public False) and all
# it holds (events, posts by event, transcripts, calendars, feeds) is for its hosts
# only; a draft event is for the hosts of its series only. Everyone else gets a 404,
# as if it did not exist. Every page and API path to an event asks here.


def open_to_all(series: Series, event: Event | None = None) -> bool:
    """Whether everyone may see the series (and the event): anyone else must host."""
    return series.is_public and (event is None or event.state != Event.State.DRAFT)


def can_see_series(user: User | None, series: Series) -> bool:
    return open_to_all(series) or can_host(user, series)


def can_see_event(user: User | None, event: Event) -> bool:
    return open_to_all(event.series, event) or can_host(user, event.series)


def profile_hosts(profile: Profile | None, series: Series) -> bool:
    """Whether `profile` (a token's, acting as exactly that profile) hosts `series`."""
    return profile is not None and not profile.is_suspended and is_host_profile(profile, series)
