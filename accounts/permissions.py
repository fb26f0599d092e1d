"""Who may act as which profile. Every action asks here."""

from accounts.models import Membership, Profile, User
from core.errors import NotAllowed


def can_act_as(user: User | None, profile: Profile) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if profile.is_suspended:
        return False
    return Membership.objects.filter(user=user, profile=profile).exists()


def check_act_as(user: User | None, profile: Profile) -> None:
    if profile.is_suspended:
        raise NotAllowed(f"@{profile.handle} is suspended.")
    if not can_act_as(user, profile):
        raise NotAllowed(f"You cannot act as @{profile.handle}.")


def is_owner(user: User | None, profile: Profile) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, profile=profile, role=Membership.Role.OWNER
    ).exists()


def check_owner(user: User | None, profile: Profile) -> None:
    if not is_owner(user, profile):
        raise NotAllowed(f"Only an owner of @{profile.handle} can do that.")
