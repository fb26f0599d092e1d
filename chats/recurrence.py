"""Occurrences of a series, computed in the series' own timezone.

The rule runs on local wall-clock times (dateutil's rrule keeps the hour and
minute of DTSTART and attaches its tzinfo), so 19:00 in Asia/Hong_Kong stays
19:00 there and 21:00 in Australia/Sydney stays 21:00 there while the UTC time
moves across daylight-saving changes. Occurrences are returned in UTC.
"""

import functools
import re
import zoneinfo
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

from core.errors import InvalidInput

if TYPE_CHECKING:
    from chats.models import Series

ALLOWED_FREQS = {DAILY, WEEKLY, MONTHLY, YEARLY}
# Parts that would change the time of day, which the series' start time sets.
TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND", "DTSTART", "BYEASTER")


@functools.cache
def known_zones() -> frozenset[str]:
    """The IANA zone names (read from disk once: the lookup walks the zone files)."""
    return frozenset(zoneinfo.available_timezones())


def get_zone(name: str) -> zoneinfo.ZoneInfo:
    """The IANA zone `name`, or InvalidInput."""
    name = (name or "").strip()
    if not name or name not in known_zones():
        raise InvalidInput(
            f"“{name}” is not a known IANA timezone (e.g. Asia/Hong_Kong).", field="timezone"
        )
    return zoneinfo.ZoneInfo(name)


def normalise_rule(text: str) -> str:
    """The RRULE value in upper case without a leading "RRULE:" and spaces."""
    rule = "".join((text or "").split()).upper()
    if rule.startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    return rule


def local_start(start_date: date, start_time: time, zone: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(start_date, start_time).replace(tzinfo=zone)


def build_rule(rule: str, start: datetime) -> rrule:
    """A dateutil rrule for `rule` from the aware local datetime `start`, or InvalidInput."""
    rule = normalise_rule(rule)
    if not rule:
        raise InvalidInput("Give a recurrence rule, e.g. FREQ=MONTHLY;BYDAY=1TU.", field="rrule")
    for part in TIME_PARTS:
        if part + "=" in rule or rule.startswith(part):
            raise InvalidInput(
                f"The recurrence rule cannot use {part}: the start time sets the time of day.",
                field="rrule",
            )
    try:
        parsed = rrulestr("RRULE:" + rule, dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError) as e:
        raise InvalidInput(f"“{rule}” is not a valid RFC 5545 RRULE: {e}", field="rrule")
    if not isinstance(parsed, rrule):
        raise InvalidInput("Give a single RRULE.", field="rrule")
    if parsed._freq not in ALLOWED_FREQS:
        raise InvalidInput(
            "The recurrence must be DAILY, WEEKLY, MONTHLY or YEARLY.", field="rrule"
        )
    return parsed


def validate(rule: str, timezone: str, start_date: date, start_time: time) -> str:
    """Check a recurrence; return the normalised rule. Raises InvalidInput."""
    zone = get_zone(timezone)
    parsed = build_rule(rule, local_start(start_date, start_time, zone))
    first = parsed.after(local_start(start_date, start_time, zone), inc=True)
    if first is None:
        raise InvalidInput("The recurrence rule gives no occurrence at all.", field="rrule")
    return normalise_rule(rule)


def to_utc(local: datetime) -> datetime:
    """A local aware datetime in UTC. A wall time that does not exist (inside a
    spring-forward gap) is taken as the same wall time before the change, which
    zoneinfo maps to the instant just after the gap."""
    return local.astimezone(UTC)


def rule_for(series: "Series") -> tuple[rrule, zoneinfo.ZoneInfo]:
    zone = zoneinfo.ZoneInfo(series.timezone)
    start = local_start(series.start_date, series.start_time, zone)
    return build_rule(series.rrule, start), zone


def rule_occurrences(series: "Series", after: datetime) -> Iterator[datetime]:
    """The rule's occurrences (UTC) starting at or after `after`, without changes."""
    parsed, zone = rule_for(series)
    # Start a day early in local terms so no occurrence near `after` is missed.
    cursor = after.astimezone(zone) - timedelta(days=1)
    for local in parsed.xafter(cursor, inc=True):
        moment = to_utc(local)
        if moment >= after:
            yield moment


def occurrences(
    series: "Series", after: datetime, count: int = 10, *, until: datetime | None = None
) -> list[datetime]:
    """The next `count` occurrences (UTC) starting at or after `after`, with skipped
    ones left out and moved ones at their new time, in order."""
    changes = {c.original_start: c.new_start for c in series.changes.all()}
    moved_in = sorted(new for new in changes.values() if new is not None and new >= after)
    result: list[datetime] = []
    for moment in rule_occurrences(series, after):
        if until is not None and moment >= until:
            break
        if moment in changes:
            continue
        result.append(moment)
        if len(result) >= count:
            break
    merged = sorted(set(result + [m for m in moved_in if until is None or m < until]))
    return merged[:count]


def is_occurrence(series: "Series", moment: datetime) -> bool:
    """Whether the rule (without changes) has an occurrence at `moment`."""
    for found in rule_occurrences(series, moment):
        return found == moment
    return False


def next_occurrence(series: "Series", now: datetime) -> datetime | None:
    found = occurrences(series, now, 1)
    return found[0] if found else None


DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}


def describe(rule: str) -> str:
    """Common rules in words ("the first Tuesday of every month"); others as written."""
    try:
        parts = dict(p.split("=", 1) for p in normalise_rule(rule).split(";") if p)
    except ValueError:
        return rule
    freq = parts.pop("FREQ", "")
    interval_text = parts.pop("INTERVAL", "1")
    interval = int(interval_text) if re.fullmatch(r"[0-9]{1,4}", interval_text) else 0
    days = parts.pop("BYDAY", "")
    if freq not in UNITS or interval < 1 or set(parts) - {"WKST"}:
        return rule
    unit = UNITS[freq]
    every = f"every {unit}" if interval == 1 else f"every {interval} {unit}s"
    if interval == 2:
        every = f"every other {unit}"
    if not days:
        return every.capitalize()
    named = []
    for day in days.split(","):
        m = re.fullmatch(r"([+-]?\d{1,2})?([A-Z]{2})", day)
        if m is None or m.group(2) not in DAY_NAMES:
            return rule
        number = int(m.group(1)) if m.group(1) else None
        if number is not None and number not in ORDINALS:
            return rule
        name = DAY_NAMES[m.group(2)]
        named.append(f"the {ORDINALS[number]} {name}" if number else name)
    listed = ", ".join(named[:-1]) + (" and " if len(named) > 1 else "") + named[-1]
    if freq == "WEEKLY" and interval <= 2:
        return f"{'Every' if interval == 1 else 'Every other'} {listed}"
    if freq == "WEEKLY" or not named[0].startswith("the "):
        return f"{listed}, {every}"
    return f"{listed[0].upper()}{listed[1:]} of {every}"
