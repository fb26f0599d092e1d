"""The posting limits, which posts decides: the caps on a new profile's mentions and
links, and the rates per profile and per client address (counted by core.ratelimit).
Who is exempt is registered by the app that knows (chats: a host in their live
event) through core.ratelimit.exempt_when("post", ...)."""

from datetime import timedelta
from typing import cast

from django.conf import settings
from django.utils import timezone

from accounts.models import Profile
from core import ratelimit
from core.errors import InvalidInput
from posts import parsing

POSTING_TOO_FAST = "You are posting too fast."


def check_new_profile_entities(profile: Profile, text: str) -> None:
    """A profile younger than NEW_PROFILE_HOURS may mention only so many profiles and
    share only so many links in one post (spam from fresh sign-ups)."""
    conf = cast(dict[str, int], settings.HASHCHAT)
    hours = conf["NEW_PROFILE_HOURS"]
    max_mentions = conf["NEW_PROFILE_MAX_MENTIONS"]
    max_links = conf["NEW_PROFILE_MAX_LINKS"]
    created = getattr(profile, "created_at", None)
    if created is None or created <= timezone.now() - timedelta(hours=hours):
        return
    entities = parsing.find_entities(text)
    mentions = {e.value.lower() for e in entities if e.kind == "mention"}
    links = [e for e in entities if e.kind == "url"]
    if len(mentions) > max_mentions:
        raise InvalidInput(
            f"In its first {hours} hours a profile can mention at most {max_mentions} people "
            f"in a post; this one mentions {len(mentions)}.",
            field="text",
        )
    if len(links) > max_links:
        raise InvalidInput(
            f"In its first {hours} hours a profile can share at most {max_links} links in a "
            f"post; this one has {len(links)}.",
            field="text",
        )


def check_post(profile: Profile, text: str = "") -> None:
    """Limits on a new post: the new-profile caps on mentions and links, then the rates
    per profile and per IP ("post:profile", "post:ip"), unless a registered exemption
    leaves the profile alone."""
    check_new_profile_entities(profile, text)
    ip = ratelimit.client_ip()
    if ip is None:
        return
    if ratelimit.configured("post:profile") is None and ratelimit.configured("post:ip") is None:
        return
    if ratelimit.is_exempt("post", profile):
        return
    ratelimit.hit_all([("post:profile", str(profile.id)), ("post:ip", ip)], POSTING_TOO_FAST)
