"""Admins' part in federation: blocking a domain, suspending a remote profile,
retrying deliveries."""

import logging

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.actions import suspend
from accounts.models import Profile, User
from accounts.remote import remove_remote_profiles
from core.errors import InvalidInput, NotAllowed
from federation.models import Delivery, DomainBlock, FollowRequest
from posts.remote import purge_posts_of

logger = logging.getLogger("federation.moderation")


def _check_admin(admin: User) -> None:
    if not (admin.is_authenticated and admin.is_staff):
        raise NotAllowed("Only a site admin can do that.")


def block_domain(*, admin: User, domain: str, reason: str = "") -> DomainBlock:
    """Refuse the domain's activities from now on and remove what it had stored here:
    its posts are deleted, its profiles suspended, follows and pending deliveries gone."""
    _check_admin(admin)
    domain = (domain or "").strip().lower().rstrip(".")
    if not domain or "/" in domain or " " in domain:
        raise InvalidInput("Give a domain name, such as spam.example.", field="domain")
    with transaction.atomic():
        row, _ = DomainBlock.objects.update_or_create(domain=domain, defaults={"reason": reason})
        profiles = list(Profile.objects.filter(Q(domain=domain) | Q(domain__endswith="." + domain)))
        # Their posts, reposts and likes go (local replies to them stay, as after a
        # deletion); their follows end; the profiles are suspended.
        purge_posts_of(profiles)
        FollowRequest.objects.filter(Q(follower__in=profiles) | Q(followee__in=profiles)).delete()
        remove_remote_profiles(profiles)
        Delivery.objects.filter(Q(domain=domain) | Q(domain__endswith="." + domain)).exclude(
            state=Delivery.State.DELIVERED
        ).update(state=Delivery.State.GIVEN_UP, last_error="domain blocked")
    logger.warning("domain %s blocked by %s: %s", domain, admin.username, reason or "no reason")
    return row


def unblock_domain(*, admin: User, domain: str) -> None:
    _check_admin(admin)
    DomainBlock.objects.filter(domain=domain.strip().lower()).delete()


def suspend_remote_profile(*, admin: User, profile: Profile, suspended: bool = True) -> Profile:
    """A suspended remote profile's activities are refused and its posts hidden."""
    if not profile.is_remote:
        raise InvalidInput("That is a local profile; suspend it from the profiles page.")
    return suspend(admin=admin, profile=profile, suspended=suspended)


def retry_deliveries(queryset: QuerySet[Delivery]) -> int:
    return queryset.exclude(state__in=[Delivery.State.DELIVERED, Delivery.State.SENDING]).update(
        state=Delivery.State.FAILING, next_attempt_at=timezone.now(), attempts=0
    )
