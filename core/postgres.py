"""PostgreSQL connections: timestamps read with Python's C date parser.

Django reads every `timestamptz` value through psycopg's pure-Python loader
(it subclasses it to pin the time zone), about 2.5 microseconds a value; a
timeline page of 40 statuses carries about a hundred of them. Django sets each
connection's TimeZone to UTC and PostgreSQL's default DateStyle is ISO, so the
text PostgreSQL sends ("2026-11-28 17:56:13.123456+00") is what
`datetime.fromisoformat` parses, in C, to the same value with the same
`timezone.utc`. Anything it cannot parse (infinity, dates before the common era
or after 9999) goes to Django's own loader, so every value still loads exactly as
before. The loader is installed only on connections whose settings are those.
"""

import functools
from datetime import UTC, datetime
from typing import Any

from django.db.backends.signals import connection_created
from psycopg import adapters
from psycopg.adapt import Loader

TIMESTAMPTZ_OID = adapters.types["timestamptz"].oid


class IsoTimestamptzLoader(Loader):
    # Django's cursor set-up compares this with the connection's time zone and would
    # otherwise register its own loader again on every cursor.
    timezone = UTC
    fallback_class: type[Loader]

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        self._context = context
        self._fallback: Loader | None = None

    def load(self, data: Any) -> datetime:
        try:
            return datetime.fromisoformat(bytes(data).decode())
        except ValueError:
            if self._fallback is None:
                self._fallback = self.fallback_class(self.oid, self._context)
            return self._fallback.load(data)


def install(sender, connection, **kwargs) -> None:
    """connection_created receiver: use the ISO loader on a PostgreSQL connection in
    UTC with ISO dates."""
    if connection.vendor != "postgresql":
        return
    raw = connection.connection
    info = raw.info
    if info.parameter_status("TimeZone") != "UTC" or connection.timezone != UTC:
        return
    if not (info.parameter_status("DateStyle") or "").startswith("ISO"):
        return
    current = raw.adapters.get_loader(TIMESTAMPTZ_OID, 0)  # 0: text format
    if current is None or issubclass(current, IsoTimestamptzLoader):
        return
    raw.adapters.register_loader(TIMESTAMPTZ_OID, _loader_over(current))


@functools.cache
def _loader_over(fallback: type[Loader]) -> type[IsoTimestamptzLoader]:
    """The ISO loader falling back to `fallback` (Django's loader class, the same for
    every connection), made once rather than for each connection."""
    return type("IsoTimestamptzLoader", (IsoTimestamptzLoader,), {"fallback_class": fallback})


def connect() -> None:
    connection_created.connect(install, dispatch_uid="core.postgres.install")
