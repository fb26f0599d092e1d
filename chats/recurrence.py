"""Occurrences of a series, computed in the series' own timezone.

The rule runs on local wall-clock times (dateutil's rrule keeps the hour and
minute of DTSTART and attaches its tzinfo), so 19:00 in Asia/Hong_Kong stays
19:00 there and 21:00 in Australia/Sydney stays 21:00 there while the UTC time
moves across daylight-saving changes. Occurrences are returned in UTC.
"""

import functools
import logging
import re
import zoneinfo
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

from core.errors import InvalidInput

if TYPE_CHECKING:
    from chats.models import Series

logger = logging.getLogger("hashchat.chats.recurrence")

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


# Dates a series or an event may use: wide enough for any real chat, narrow enough
# that no date arithmetic overflows and no rule is walked through centuries.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
# A rule must give an occurrence within this many years of its first date.
HORIZON_YEARS = 10
# The most occurrences one rule may have when it ends by COUNT, and its longest step.
MAX_COUNT = 1000
MAX_INTERVAL = 1000
FREQS = {"DAILY": DAILY, "WEEKLY": WEEKLY, "MONTHLY": MONTHLY, "YEARLY": YEARLY}
# RFC 5545 section 3.3.10: each BY part's allowed numbers (0 is never one of them).
BY_RANGES = {
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False),
    "BYSETPOS": (1, 366, True),
}
KNOWN_PARTS = {"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYDAY", "WKST", *BY_RANGES}
DAY_CODES = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
EXAMPLE = "FREQ=MONTHLY;BYDAY=1TU (the first Tuesday of each month)"


def _rule_error(message: str) -> InvalidInput:
    return InvalidInput(message, field="rrule")


def rule_parts(rule: str) -> dict[str, str]:
    """The NAME=VALUE parts of a normalised rule, each checked against RFC 5545's
    bounds (dateutil parses the rule itself; it takes values such as INTERVAL=0
    or BYMONTHDAY=0 that the RFC forbids and that never give an occurrence)."""
    parts: dict[str, str] = {}
    for piece in rule.split(";"):
        name, sep, value = piece.partition("=")
        if not sep or not name or not value:
            raise _rule_error(
                f"“{piece}” is not a part of a recurrence rule: write NAME=VALUE parts "
                f"separated by semicolons, for example {EXAMPLE}."
            )
        if name not in KNOWN_PARTS:
            raise _rule_error(f"A recurrence rule has no part called {name} that hashchat uses.")
        if name in parts:
            raise _rule_error(f"{name} appears twice in the recurrence rule.")
        parts[name] = value
    if parts.get("FREQ") not in FREQS:
        raise _rule_error(
            f"Start the rule with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY, for example {EXAMPLE}."
        )
    _check_number(parts, "INTERVAL", 1, MAX_INTERVAL, "how many days, weeks, months or years")
    _check_number(parts, "COUNT", 1, MAX_COUNT, "how many times the chat happens")
    if "COUNT" in parts and "UNTIL" in parts:
        raise _rule_error("Give COUNT or UNTIL, not both.")
    for name, (low, high, signed) in BY_RANGES.items():
        for value in parts.get(name, "").split(",") if name in parts else []:
            number = _whole(value)
            if number is None or not low <= abs(number) <= high or (number < 0 and not signed):
                allowed = f"{low} to {high}" + (f" or -{high} to -{low}" if signed else "")
                raise _rule_error(f"{name}={value} is not allowed: use {allowed}.")
    for day in parts.get("BYDAY", "").split(",") if "BYDAY" in parts else []:
        number = _whole(day[:-2]) if day[:-2] not in ("", "+", "-") else 0
        if day[-2:] not in DAY_CODES or number is None or abs(number) > 53:
            raise _rule_error(
                f"BYDAY={day} is not a day: use MO, TU, WE, TH, FR, SA or SU, with an "
                "optional position such as 1TU (the first Tuesday) or -1FR (the last Friday)."
            )
        if day[:-2] in ("0", "+0", "-0") or (day[:-2] and number == 0):
            raise _rule_error(f"BYDAY={day}: a position counts from 1 (or from -1, the last).")
    if parts.get("WKST", "MO") not in DAY_CODES:
        raise _rule_error("WKST must be a day: MO, TU, WE, TH, FR, SA or SU.")
    return parts


def _whole(text: str) -> int | None:
    return int(text) if re.fullmatch(r"[+-]?[0-9]{1,4}", text) else None


def _check_number(parts: dict[str, str], name: str, low: int, high: int, what: str) -> None:
    if name in parts:
        number = _whole(parts[name])
        if number is None or not low <= number <= high:
            raise _rule_error(f"{name} is {what}: a whole number from {low} to {high}.")


def build_rule(rule: str, start: datetime) -> rrule:
    """A dateutil rrule for `rule` from the aware local datetime `start`, or InvalidInput
    with a sentence a host can act on."""
    rule = normalise_rule(rule)
    if not rule:
        raise _rule_error(f"Give a recurrence rule, for example {EXAMPLE}.")
    for part in TIME_PARTS:
        if part + "=" in rule or rule.startswith(part):
            raise _rule_error(
                f"The recurrence rule cannot use {part}: the start time sets the time of day."
            )
    rule_parts(rule)
    try:
        parsed = rrulestr("RRULE:" + rule, dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise _rule_error(
            f"“{rule}” is not a recurrence rule hashchat can read; for example {EXAMPLE}."
        )
    if not isinstance(parsed, rrule):
        raise _rule_error("Give a single RRULE.")
    return parsed


def check_date(value: date, field: str, label: str = "The date") -> None:
    """InvalidInput unless `value` (a date, or the local date of a datetime) lies in
    EARLIEST..LATEST. Compares calendar dates only, so no arithmetic can overflow."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(
            f"{label} must be between {EARLIEST.year} and {LATEST.year}; {day.isoformat()} is not.",
            field=field,
        )


def validate(rule: str, timezone: str, start_date: date, start_time: time) -> str:
    """Check a recurrence; return the normalised rule. Raises InvalidInput.

    The rule must give an occurrence within HORIZON_YEARS of its first date; the
    search stops there, so a rule that never matches (the 30th of February) costs
    no more than one that does."""
    zone = get_zone(timezone)
    check_date(start_date, "start_date", "The first date")
    start = local_start(start_date, start_time, zone)
    parsed = build_rule(rule, start)
    horizon = start + timedelta(days=366 * HORIZON_YEARS)
    probe = parsed.replace(count=None, until=horizon)
    first = probe.after(start, inc=True)
    # The probe drops COUNT and UNTIL; the rule itself must still have that occurrence.
    if first is None or first not in parsed.between(start, first, inc=True):
        raise _rule_error(
            f"The recurrence rule gives no date in the {HORIZON_YEARS} years from "
            f"{start_date.isoformat()}; check its numbers, for example {EXAMPLE}."
        )
    return normalise_rule(rule)


def to_utc(local: datetime) -> datetime:
    """A local aware datetime in UTC. A wall time that does not exist (inside a
    spring-forward gap) is taken as the same wall time before the change, which
    zoneinfo maps to the instant just after the gap."""
    return local.astimezone(UTC)


def rule_for(series: "Series", near: datetime | None = None) -> tuple[rrule, zoneinfo.ZoneInfo]:
    """The series' rule in its zone. With `near`, a DAILY or WEEKLY rule without COUNT
    starts from its last period before `near` instead of its first date: the same
    occurrences from there on, without walking every day since the series began."""
    zone = zoneinfo.ZoneInfo(series.timezone)
    start = local_start(series.start_date, series.start_time, zone)
    parsed = build_rule(series.rrule, start)
    if near is not None:
        parts = rule_parts(normalise_rule(series.rrule))
        step_days = {"DAILY": 1, "WEEKLY": 7}.get(parts["FREQ"], 0)
        step_days *= int(parts.get("INTERVAL", "1"))
        days = (near.astimezone(zone).date() - series.start_date).days - 7
        if step_days and "COUNT" not in parts and days > step_days:
            moved = series.start_date + timedelta(days=days - days % step_days)
            parsed = parsed.replace(dtstart=local_start(moved, series.start_time, zone))
    return parsed, zone


def rule_occurrences(series: "Series", after: datetime) -> Iterator[datetime]:
    """The rule's occurrences (UTC) starting at or after `after`, without changes.
    A rule stored before the checks above existed and failing them has none (and a
    warning is logged), so no page fails on it."""
    try:
        parsed, zone = rule_for(series, near=after)
    except InvalidInput as e:
        logger.warning("#%s has a recurrence rule that is refused: %s", series.hashtag, e)
        return
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
