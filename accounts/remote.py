"""Writes about remote profiles (those of other servers, which federation/ learns
about). A remote profile is a Profile row with its server's domain set; nobody
logs in as it, and only its own server (a verified RemoteActor) acts as it."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.actions import end_follow
from accounts.models import Follow, Profile
from core.errors import InvalidInput

REMOTE_FIELDS = (
    "display_name",
    "bio",
    "website",
    "url",
    "inbox_url",
    "shared_inbox_url",
    "followers_url",
    "remote_avatar_url",
    "public_key_id",
    "public_key_pem",
    "manually_approves_followers",
)


@dataclass
class RemoteProfileData:
    uri: str
    handle: str  # user@domain
    domain: str
    kind: str
    display_name: str
    bio: str
    url: str
    inbox_url: str
    shared_inbox_url: str
    followers_url: str
    remote_avatar_url: str
    public_key_id: str
    public_key_pem: str
    manually_approves_followers: bool = False
    website: str = ""


def save_remote_profile(data: RemoteProfileData) -> Profile:
    """Create or refresh the remote profile with this actor id (or this handle)."""
    if not data.domain or "@" not in data.handle:
        raise InvalidInput("A remote profile needs a domain and a user@domain handle.")
    values = {name: getattr(data, name) for name in REMOTE_FIELDS}
    values["display_name"] = values["display_name"][:100]
    values["bio"] = values["bio"][:500]
    values["website"] = values["website"][:200]
    for attempt in range(2):
        try:
            with transaction.atomic():
                profile = (
                    Profile.objects.select_for_update().filter(uri=data.uri).first()
                    or Profile.objects.select_for_update()
                    .filter(handle__iexact=data.handle, domain=data.domain)
                    .first()
                )
                if profile is None:
                    return Profile.objects.create(
                        handle=data.handle,
                        domain=data.domain,
                        uri=data.uri,
                        kind=data.kind,
                        fetched_at=timezone.now(),
                        **values,
                    )
                for name, value in values.items():
                    setattr(profile, name, value)
                profile.uri, profile.handle, profile.kind = data.uri, data.handle, data.kind
                profile.fetched_at = timezone.now()
                profile.save(update_fields=[*REMOTE_FIELDS, "uri", "handle", "kind", "fetched_at"])
                return profile
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def remove_remote_profiles(profiles: list[Profile]) -> None:
    """For a blocked domain: its profiles' follows end (counts kept right) and the
    profiles are suspended."""
    if any(not p.is_remote for p in profiles):
        raise InvalidInput("Only remote profiles are removed with their domain.")
    with transaction.atomic():
        for follow in Follow.objects.filter(
            Q(follower__in=profiles) | Q(followee__in=profiles)
        ).select_related("follower", "followee"):
            end_follow(follow.follower, follow.followee)
        Profile.objects.filter(pk__in=[p.pk for p in profiles]).update(is_suspended=True)


def suspend_remote(profile: Profile) -> Profile:
    """A remote profile's own server says it is gone (Delete of the actor)."""
    if not profile.is_remote:
        raise InvalidInput("Only a remote profile is suspended by its server.")
    profile.is_suspended = True
    profile.save(update_fields=["is_suspended"])
    return profile
