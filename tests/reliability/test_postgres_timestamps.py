"""PostgreSQL timestamps read with the ISO loader (core/postgres.py) load exactly
as Django's own loader loads them. Runs in the PostgreSQL lane of .ci/run."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.utils import DataError
from hypothesis import given, settings
from hypothesis import strategies as st

from core.postgres import TIMESTAMPTZ_OID, IsoTimestamptzLoader

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="runs on PostgreSQL"),
]


def _loader():
    connection.ensure_connection()
    return connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, 0)


def _select(value):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [value])
        return cursor.fetchone()[0]


def test_connections_read_timestamps_with_the_iso_loader():
    assert issubclass(_loader(), IsoTimestamptzLoader)


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    )
)
def test_a_timestamp_reads_back_as_written_in_utc(value):
    read = _select(value)
    assert read == value
    assert read.tzinfo is UTC


def test_each_value_loads_as_djangos_loader_loads_it():
    loader_class = _loader()
    ours = loader_class(TIMESTAMPTZ_OID, connection.connection)
    django = loader_class.fallback_class(TIMESTAMPTZ_OID, connection.connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (now() + make_interval(secs => s))::text FROM generate_series(-4e8, 4e8, 3.3e6) s"
        )
        texts = [row[0] for row in cursor.fetchall()]
    texts += ["2026-11-28 17:56:13+00", "2026-11-28 17:56:13.000001+00", "0001-01-01 00:00:00+00"]
    for text in texts:
        assert ours.load(text.encode()) == django.load(text.encode()), text
        assert ours.load(text.encode()).utcoffset() == timedelta(0)


def test_values_outside_pythons_dates_fail_as_they_did_before():
    for value in ("infinity", "-infinity", "0044-03-15 00:00:00+00 BC"):
        with pytest.raises(DataError):
            _select(value)


def test_model_timestamps_keep_their_microseconds(pat):
    from posts.actions import create_post

    post = create_post(user=pat.user, profile=pat.profile, text="timestamps #pgtime")
    post.refresh_from_db()
    with connection.cursor() as cursor:
        cursor.execute("SELECT created_at::text FROM posts_post WHERE id = %s", [post.id])
        text = cursor.fetchone()[0]
    assert post.created_at == datetime.fromisoformat(text)
