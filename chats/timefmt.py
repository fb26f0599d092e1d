"""Times as people read them: in a zone, with the zone's name."""

import zoneinfo
from datetime import datetime

from accounts.zones import fmt
from chats.recurrence import known_zones

__all__ = ["WORLD_CITIES", "fmt", "in_zone", "world_times", "zone_or_none"]

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


def world_times(moment: datetime) -> list[tuple[str, str]]:
    return [(city, fmt(moment, zone)) for city, zone in WORLD_CITIES]
