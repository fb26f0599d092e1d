"""Which profile the logged-in user is acting as on pages (kept in the session)."""

import zoneinfo

from django.utils import timezone

from accounts.models import Profile
from accounts.zones import viewer_zone
from core.middleware import client_api

SESSION_KEY = "active_profile_id"


def profiles_for(request) -> list[Profile]:
    if not hasattr(request, "_hashchat_profiles"):
        request._hashchat_profiles = list(
            Profile.objects.managed_by(request.user).order_by("kind", "handle")
        )
    return request._hashchat_profiles


def active_profile(request) -> Profile | None:
    if not request.user.is_authenticated:
        return None
    profiles = profiles_for(request)
    wanted = request.session.get(SESSION_KEY)
    for profile in profiles:
        if str(profile.id) == str(wanted):
            return profile
    personal = [p for p in profiles if p.kind == Profile.Kind.PERSONAL]
    for candidates in (personal, profiles):
        if candidates:
            return candidates[0]
    return None


class ActiveProfileMiddleware:
    """The profile the logged-in user acts as on pages (`request.profile`). The client
    APIs set it from the bearer token (mastodon_api.http.api), never from the session:
    for them the login is not even looked up, and so neither is the session (reading
    both was about a tenth of a single status's time in Django)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.profile = None
        if not client_api(request) and request.user.is_authenticated:
            request.profile = active_profile(request)
        return self.get_response(request)


class ViewerZoneMiddleware:
    """Pages show times in the viewer's zone (accounts.zones.viewer_zone): the
    browser's when its script has said, else the profile's, else UTC. The client APIs
    give every time in UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if client_api(request):
            request.viewer_zone = "UTC"
            return self.get_response(request)
        request.viewer_zone = viewer_zone(request)
        timezone.activate(zoneinfo.ZoneInfo(request.viewer_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
