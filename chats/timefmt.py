"""Times as people read them: in a zone, with the zone's name."""

import zoneinfo
from datetime import datetime

from chats.recurrence import known_zones

# A short list of world cities shown on event pages (label, IANA zone).
WORLD_CITIES = [
    ("Hong Kong", "Asia/Hong_Kong"),
    ("Sydney", "Australia/Sydney"),
    ("London", "Europe/London"),
    ("Copenhagen", "Europe/Copenhagen"),
    ("New York", "America/New_York"),
    ("Los Angeles", "America/Los_Angeles"),
    ("Auckland", "Pacific/Auckland"),
]


def zone_or_none(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name or name not in known_zones():
        return None
    return zoneinfo.ZoneInfo(name)


def in_zone(moment: datetime, zone_name: str) -> datetime:
    zone = zone_or_none(zone_name) or zoneinfo.ZoneInfo("UTC")
    return moment.astimezone(zone)


def fmt(moment: datetime | None, zone_name: str = "UTC", *, with_date: bool = True) -> str:
    """ "Tue 2 Feb 2027, 19:00 HKT" (the zone's abbreviation, or its UTC offset)."""
    if moment is None:
        return ""
    local = in_zone(moment, zone_name)
    abbr = local.strftime("%Z")
    if not abbr or abbr[0] in "+-":
        offset = local.strftime("%z")
        abbr = "UTC" + (offset[:3] if offset[3:] == "00" else f"{offset[:3]}:{offset[3:]}")
    time_part = f"{local:%H:%M} {abbr}"
    if not with_date:
        return time_part
    return f"{local:%a} {local.day} {local:%b %Y}, {time_part}"


def world_times(moment: datetime) -> list[tuple[str, str]]:
    return [(city, fmt(moment, zone)) for city, zone in WORLD_CITIES]
