"""Remote actors and notes: fetched through federation.http, checked, and stored as
remote profiles and posts through the same actions local ones use."""

import logging
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Profile
from accounts.remote import RemoteProfileData, save_remote_profile
from federation import conf, http, jsonld
from federation.jsonld import HostileObject
from federation.models import DomainBlock
from posts import parsing

logger = logging.getLogger("federation.remote")

ACTOR_TYPES = {"Person", "Organization", "Service", "Application", "Group"}
USERNAME_MAX = 64


class Blocked(Exception):
    """The domain is blocked by this server's admins."""


def icon_url(icon: Any) -> str:
    """The https URL of an actor's `icon` (an Image, a list of them, or a link)."""
    if isinstance(icon, list):
        icon = icon[0] if icon else None
    if isinstance(icon, dict):
        icon = icon.get("url")
    if isinstance(icon, list):
        icon = icon[0] if icon else None
    if isinstance(icon, dict):
        icon = icon.get("href")
    if isinstance(icon, str) and icon.startswith("https://") and len(icon) <= 500:
        return icon
    return ""


def check_domain(uri: str) -> str:
    domain = jsonld.host(uri)
    if not domain:
        raise HostileObject(f"{uri!r} has no host")
    if is_blocked(domain):
        raise Blocked(f"{domain} is blocked")
    if domain == conf.domain():
        raise HostileObject(f"{uri} claims to be on this server")
    return domain


def is_blocked(domain: str) -> bool:
    domain = domain.lower().split(":")[0]
    parts = domain.split(".")
    candidates = {".".join(parts[i:]) for i in range(len(parts) - 1)} | {domain}
    return DomainBlock.objects.filter(domain__in=candidates).exists()


def actor_by_key_id(key_id: str, *, refresh: bool) -> Profile:
    """The remote profile whose key this is, fetched when unknown or when `refresh`."""
    if not refresh:
        # (Sliced, not .first(): ordering a full profile row cost more than the lookup.)
        known = next(
            iter(Profile.objects.filter(public_key_id=key_id).exclude(domain="")[:1]), None
        )
        if known is not None:
            return known
    actor_uri = key_id.split("#", 1)[0]
    profile = fetch_actor(actor_uri)
    if profile.public_key_id != key_id:
        raise HostileObject(f"{actor_uri} does not publish the key {key_id}")
    return profile


def get_actor(uri: str) -> Profile:
    """A remote profile by actor id, fetched the first time."""
    known = next(iter(Profile.objects.filter(uri=uri).exclude(domain="")[:1]), None)
    return known if known is not None else fetch_actor(uri)


def fetch_actor(uri: str) -> Profile:
    check_domain(uri)
    data = http.fetch_json(uri)
    jsonld.check_depth(data)
    return store_actor(data, fetched_from=uri)


def store_actor(data: dict, *, fetched_from: str) -> Profile:
    actor_id = jsonld.id_of(data, "actor")
    if not jsonld.same_origin(actor_id, fetched_from):
        raise HostileObject(f"{fetched_from} answered an actor of another domain ({actor_id})")
    kinds = jsonld.types(data)
    if not kinds & ACTOR_TYPES:
        raise HostileObject(f"{actor_id} is a {sorted(kinds)}, not an actor")
    domain = check_domain(actor_id)
    username = jsonld.string(data, "preferredUsername", max_length=USERNAME_MAX)
    if "@" in username or "/" in username or not username.strip():
        raise HostileObject(f"{actor_id} has an unusable preferredUsername")
    key = data.get("publicKey")
    if isinstance(key, list):
        key = key[0] if key else None
    if not isinstance(key, dict):
        raise HostileObject(f"{actor_id} has no publicKey")
    key_id = jsonld.string(key, "id")
    pem = jsonld.string(key, "publicKeyPem", max_length=10_000)
    owner = key.get("owner", actor_id)
    if owner != actor_id or not jsonld.same_origin(key_id, actor_id):
        raise HostileObject(f"{actor_id} publishes a key it does not own")
    endpoints = data.get("endpoints") if isinstance(data.get("endpoints"), dict) else {}
    inbox = jsonld.url(data, "inbox")
    shared = jsonld.url(endpoints, "sharedInbox", required=False) if endpoints else ""
    for address in (inbox, shared):
        if address and not jsonld.same_origin(address, actor_id):
            raise HostileObject(f"{actor_id} has an inbox on another domain")
    avatar = icon_url(data.get("icon"))
    summary = jsonld.string(data, "summary", required=False, max_length=20_000)
    return save_remote_profile(
        RemoteProfileData(
            uri=actor_id,
            handle=f"{username}@{domain}",
            domain=domain,
            kind=(Profile.Kind.ORGANISATION if "Organization" in kinds else Profile.Kind.PERSONAL),
            display_name=jsonld.one_line(
                jsonld.string(data, "name", required=False, max_length=2000), 100
            ),
            bio=parsing.plain_text(parsing.sanitise(summary)).strip()[:500],
            url=(data["url"] if isinstance(data.get("url"), str) else actor_id)[:500],
            inbox_url=inbox,
            shared_inbox_url=shared,
            followers_url=jsonld.url(data, "followers", required=False),
            remote_avatar_url=avatar,
            public_key_id=key_id,
            public_key_pem=pem,
            manually_approves_followers=data.get("manuallyApprovesFollowers") is True,
        )
    )


def published(value: object) -> datetime:
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        return timezone.now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment
