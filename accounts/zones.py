"""Times as the viewer reads them, the same on every page.

The viewer's zone is the browser's when its page script has told us (the `tz`
cookie that static/hashchat/localtime.js sets, checked against the IANA names),
else the active profile's, else UTC. accounts.middleware.ViewerZoneMiddleware
makes it the current zone of every page request, so Django's `date` filter,
`{% when %}` (accounts/templatetags/viewer_time.py), notifications, the room,
event pages and transcripts all show what the browser's script would show.
"""

import zoneinfo
from datetime import datetime
from urllib.parse import unquote

from django.utils import timezone

from accounts.models import known_timezones

COOKIE = "tz"
# A year: the browser's script renews it whenever the zone it sees changes.
COOKIE_MAX_AGE = 365 * 24 * 3600


def zone_name_or_none(name: str | None) -> str | None:
    """`name` when it is an IANA zone this server knows; else None."""
    name = (name or "").strip()
    return name if name and name in known_timezones() else None


def viewer_zone(request) -> str:
    """The browser's zone (the `tz` cookie), else the active profile's, else UTC."""
    cookies = getattr(request, "COOKIES", {}) or {}
    found = zone_name_or_none(unquote(cookies.get(COOKIE) or ""))
    if found:
        return found
    profile = getattr(request, "profile", None)
    found = zone_name_or_none(getattr(profile, "timezone", None))
    return found or "UTC"


def fmt(moment: datetime | None, zone_name: str = "UTC", *, with_date: bool = True) -> str:
    """ "Tue 2 Feb 2027, 19:00 HKT" (the zone's abbreviation, or its UTC offset)."""
    if moment is None:
        return ""
    zone = zoneinfo.ZoneInfo(zone_name_or_none(zone_name) or "UTC")
    local = moment.astimezone(zone)
    abbr = local.strftime("%Z")
    if not abbr or abbr[0] in "+-":
        offset = local.strftime("%z")
        abbr = "UTC" + (offset[:3] if offset[3:] == "00" else f"{offset[:3]}:{offset[3:]}")
    time_part = f"{local:%H:%M} {abbr}"
    if not with_date:
        return time_part
    return f"{local:%a} {local.day} {local:%b %Y}, {time_part}"


def relative(moment: datetime, now: datetime | None = None, zone_name: str = "UTC") -> str:
    """ "just now", "2 min", "3 h", then the day ("2 Feb"), as localtime.js writes it."""
    now = now or timezone.now()
    seconds = max(0, round((now - moment).total_seconds()))
    if seconds < 45:
        return "just now"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = round(minutes / 60)
    if hours < 24:
        return f"{hours} h"
    local = moment.astimezone(zoneinfo.ZoneInfo(zone_name_or_none(zone_name) or "UTC"))
    return f"{local.day} {local:%b}"
