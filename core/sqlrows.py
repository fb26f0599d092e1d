"""Model instances from plain SQL rows, for the few hot paths where Django spends
longer compiling a query than the database spends running it (the bearer-token
lookup every API request makes, the timeline page). The figures are in
docs/performance.md.

    select = Selection(Profile, "a")                 # every concrete column of Profile
    sql = f"SELECT {select.sql} FROM accounts_profile a WHERE a.id = %s"
    cursor.execute(sql, [pk]); row = cursor.fetchone()
    profile = select.instance(row, 0)               # a Profile, as the ORM would build it

Values go through the same converters the ORM applies (the database backend's and
each field's own `from_db_value`), so a row read here equals one read by a queryset.
No pre_init/post_init signals are sent for these instances (hashchat connects none;
an image field with width/height fields would need them).
"""

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import JSONField, Model
from django.db.models.base import ModelState
from django.utils.dateparse import parse_datetime


class Selection:
    """The concrete columns of `model` under a table alias, and the way back from a
    row slice to a model instance."""

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in self.fields]
        quote = connection.ops.quote_name
        self.sql = ", ".join(f"{alias}.{quote(str(f.column))}" for f in self.fields)
        self.width = len(self.fields)
        self.pk_index = self.fields.index(model._meta.pk)
        self._converters: list[tuple[int, Callable[[Any], Any]]] | None = None
        self._vendor = ""

    def converters(self, conn: BaseDatabaseWrapper) -> list[tuple[int, Callable[[Any], Any]]]:
        """(column index, one-argument converter) for each column that has one."""
        if self._converters is None or self._vendor != conn.vendor:
            found = []
            for i, field in enumerate(self.fields):
                col = field.get_col(field.model._meta.db_table)
                funcs = conn.ops.get_db_converters(col) + col.get_db_converters(conn)
                if funcs:
                    found.append((i, _one_argument(funcs, col, conn)))
            self._converters, self._vendor = found, conn.vendor
        return self._converters

    def instance(
        self, row: Sequence[Any], start: int = 0, conn: BaseDatabaseWrapper | None = None
    ) -> Any:
        """The model instance held in row[start : start + width]; None when its
        primary key is NULL (an outer join that found nothing). `conn`: the default
        database connection, when the caller has it at hand for many rows."""
        values = list(row[start : start + self.width])
        if values[self.pk_index] is None:
            return None
        if conn is None:
            conn = connections[DEFAULT_DB_ALIAS]
        for i, convert in self.converters(conn):
            values[i] = convert(values[i])
        # What Model.from_db builds, without Model.__init__'s per-field descriptor
        # calls (a third of a timeline page's time): the values go straight into the
        # instance's __dict__, where the field descriptors read them.
        obj = self.model.__new__(self.model)
        obj.__dict__.update(zip(self.names, values, strict=True))
        state = ModelState()
        state.adding = False
        state.db = DEFAULT_DB_ALIAS
        obj._state = state
        return obj


def in_list(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """SQL for `column IN (values)` and its parameters: one array parameter on
    PostgreSQL (`= ANY(%s)`), so the statement's text is the same whatever the
    list's length and psycopg can cache and prepare it; placeholders elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _one_argument(funcs: list, col: Any, conn: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """The column's converters as one call of one argument. SQLite's two commonest
    (every post and profile has four datetimes and a few booleans) are done here the
    way the backend does them, without reading settings.USE_TZ and the connection's
    zone anew for every value (a thread of 100 replies converts some 1,500 values).
    Both are checked against the backend's own in tests/core/test_sqlrows.py."""
    if conn.vendor == "sqlite" and len(funcs) == 1:
        name = getattr(funcs[0], "__name__", "")
        zone = conn.timezone if settings.USE_TZ else None
        if name == "convert_datetimefield_value" and zone is not None:
            return _sqlite_datetime(zone)
        if name == "convert_booleanfield_value":
            return _sqlite_boolean
    if len(funcs) == 1:
        func = funcs[0]
        if isinstance(col.target, JSONField) and col.target.decoder is None:
            # An empty list (a local post's remote attachments: nearly every row) is
            # what json.loads would make of it, without the parser.
            return lambda value: [] if value == "[]" else func(value, col, conn)
        return lambda value: func(value, col, conn)

    def convert(value: Any) -> Any:
        for func in funcs:
            value = func(value, col, conn)
        return value

    return convert


def _sqlite_datetime(zone: datetime.tzinfo) -> Callable[[Any], Any]:
    """A datetime column read from SQLite: parsed when it came as text, in the
    connection's zone when naive (as the backend's convert_datetimefield_value)."""

    def convert(value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime.datetime):
            value = parse_datetime(value)
        if value.utcoffset() is None:
            value = value.replace(tzinfo=zone)
        return value

    return convert


def _sqlite_boolean(value: Any) -> Any:
    """A boolean column read from SQLite (as the backend's convert_booleanfield_value)."""
    return bool(value) if value in (1, 0) else value
