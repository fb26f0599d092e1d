"""Who may act as which profile. Every action asks here."""

from django.db import connection

from accounts.models import Membership, Profile, User
from core.errors import NotAllowed

# Whether a login manages a profile: asked before every action, so in plain SQL (the
# ORM took longer to build this query than the database took to answer it).
MEMBERSHIP_SQL = (
    f"SELECT 1 FROM {Membership._meta.db_table} WHERE user_id = %s AND profile_id = %s LIMIT 1"
)


class RemoteActor:
    """Stands in for a login when a remote profile's own server asks for an action
    (federation/ makes one only after the request's signature is verified). It may
    act as that remote profile and nothing else: remote content never grants a
    local permission."""

    is_authenticated = True
    is_active = True
    is_staff = False

    def __init__(self, profile: Profile) -> None:
        if not profile.is_remote:
            raise ValueError("A RemoteActor stands for a remote profile only.")
        self.profile = profile

    def __repr__(self) -> str:
        return f"RemoteActor({self.profile.handle})"


class ServiceActor:
    """Stands in for the server itself when it acts as a local profile that nobody
    logs in as (a series' chat account boosting and following back). Only server
    code makes one; it may act as that chat account and nothing else."""

    is_authenticated = True
    is_active = True
    is_staff = False

    def __init__(self, profile: Profile) -> None:
        if profile.is_remote or not profile.is_chat_account:
            raise ValueError("A ServiceActor stands for a local chat account only.")
        self.profile = profile

    def __repr__(self) -> str:
        return f"ServiceActor({self.profile.handle})"


def login_of(user) -> User | None:
    """The login behind an action's caller (None for a remote profile's server)."""
    return user if isinstance(user, User) else None


def can_act_as(user: User | None, profile: Profile) -> bool:
    if isinstance(user, RemoteActor):
        return profile.is_remote and user.profile.id == profile.id and not profile.is_suspended
    if isinstance(user, ServiceActor):
        return user.profile.id == profile.id and not profile.is_suspended
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if profile.is_suspended:
        return False
    with connection.cursor() as cursor:
        cursor.execute(MEMBERSHIP_SQL, [user.pk, profile.pk])
        return cursor.fetchone() is not None


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
