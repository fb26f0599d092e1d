"""Who may change a series or host its events.

A series is edited by the logins that may act as its organiser profile; its
events and questions are run by those and by the logins of its co-host profiles.
"""

from accounts.models import Membership, Profile, User
from accounts.permissions import can_act_as
from chats.models import Series
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
