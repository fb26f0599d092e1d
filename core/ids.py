"""64-bit, time-sortable ids (exposed as strings in JSON).

Layout: 42 bits of milliseconds since 2020-01-01, 10 bits of process tag,
12 bits of sequence. The tag is handed out by core.id_tags (a PostgreSQL sequence,
or a lock file per tag on SQLite), so no two running processes share one. Ids made
later compare greater, so "order by id" is "order by creation", and the Mastodon
API's max_id/since_id work on them.
"""

import os
import re
import threading
import time
from datetime import datetime

from core import id_tags

EPOCH_MS = 1_577_836_800_000  # 2020-01-01T00:00:00Z
_lock = threading.Lock()
# tag -1: not claimed yet (claimed on the first id, when the database is configured).
_state = {"ms": 0, "seq": 0, "tag": -1, "pid": os.getpid()}


def next_id() -> int:
    with _lock:
        if _state["tag"] < 0 or _state["pid"] != os.getpid():  # first id, or forked
            _state.update(pid=os.getpid(), tag=id_tags.claim_tag(), seq=0)
        now = int(time.time() * 1000)
        # Never go backwards, even when the clock does: keep counting from the last ms.
        if now <= _state["ms"]:
            _state["seq"] = (_state["seq"] + 1) & 0xFFF
            if _state["seq"] == 0:
                _state["ms"] += 1
        else:
            _state["ms"], _state["seq"] = now, 0
        return ((_state["ms"] - EPOCH_MS) << 22) | (_state["tag"] << 12) | _state["seq"]


MAX_ID = 2**63 - 1  # ids are stored in signed 64-bit columns
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value: object) -> int | None:
    """An id as a client may send it (a string of ASCII digits, or an int), or None
    when it cannot be one: not a whole number, negative, or beyond 64 bits. Every
    place that reads an id from a request uses this, so no lookup ever sees a number
    the database cannot hold."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_ID else None
    text = value.strip() if isinstance(value, str) else ""
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


class IdConverter:
    """The `<id:name>` URL converter: a 64-bit id; larger numbers are no match (404),
    never a database error. Registered by core's AppConfig."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)


def id_floor(moment: datetime) -> int:
    """The smallest id that could have been made at `moment` (for time-range queries)."""
    return (int(moment.timestamp() * 1000) - EPOCH_MS) << 22
