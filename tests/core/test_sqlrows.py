"""core.sqlrows: a model instance built from a plain SQL row equals the one the ORM
builds, and the converters it uses in place of SQLite's backend ones give what the
backend's give for every kind of value a column can hold."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Profile
from core.sqlrows import Selection
from posts import actions
from posts.models import Post


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def read(selection: Selection, table: str, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selection.sql} FROM {table} x WHERE x.id = %s", [pk])
        return selection.instance(cursor.fetchone(), 0)


@pytest.mark.django_db
def test_a_row_read_in_plain_sql_equals_the_orms(hana, pat):
    post = actions.create_post(user=hana.user, profile=hana.profile, text="A1 hello #edchat")
    Post.objects.filter(pk=post.pk).update(
        edited_at=timezone.now(), hidden_at=timezone.now(), sensitive=True
    )
    for model, pk in ((Post, post.pk), (Profile, hana.profile.pk), (Profile, pat.profile.pk)):
        plain = read(Selection(model, "x"), model._meta.db_table, pk)
        orm = model.objects.get(pk=pk)
        assert fields(plain) == fields(orm)
        for name, value in fields(plain).items():
            assert type(value) is type(getattr(orm, name)), name
        assert plain._state.adding is False and plain._state.db == "default"


def test_a_missing_outer_row_is_none():
    selection = Selection(Profile, "x")
    assert selection.instance([None] * selection.width, 0, connection) is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's converters")
def test_sqlite_converters_give_what_the_backends_give():
    selection = Selection(Post, "x")
    ours = dict(selection.converters(connection))
    fields_by_name = {f.name: i for i, f in enumerate(selection.fields)}
    backend = connection.ops
    naive = datetime.datetime(2026, 11, 29, 20, 1, 2, 345678)
    aware = naive.replace(tzinfo=zoneinfo.ZoneInfo("Australia/Sydney"))
    for value in (None, naive, aware, "2026-11-29 20:01:02.345678", "2026-11-29 20:01:02"):
        expected = backend.convert_datetimefield_value(value, None, connection)
        got = ours[fields_by_name["created_at"]](value)
        assert got == expected and type(got) is type(expected)
        if got is not None:
            assert got.tzinfo == expected.tzinfo
    for value in (None, 0, 1, True, False):
        expected = backend.convert_booleanfield_value(value, None, connection)
        got = ours[fields_by_name["sensitive"]](value)
        assert got == expected and type(got) is type(expected)
    # Every other converter is the backend's or the field's own, called as the ORM does.
    attachments = ours[fields_by_name["remote_attachments"]]
    assert attachments('[{"url": "https://example.test/a.png"}]') == [
        {"url": "https://example.test/a.png"}
    ]
    assert attachments("[]") == [] and attachments("[]") is not attachments("[]")
    assert attachments(None) is None
