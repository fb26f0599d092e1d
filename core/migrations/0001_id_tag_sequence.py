"""The sequence that hands each process its id tag on PostgreSQL (core.id_tags).
SQLite needs nothing here: processes there lock a file per tag."""

from django.db import migrations

CREATE = "CREATE SEQUENCE IF NOT EXISTS hashchat_id_tag MINVALUE 0 MAXVALUE 1023 START 0 CYCLE"
DROP = "DROP SEQUENCE IF EXISTS hashchat_id_tag"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies: list = []
    operations = [migrations.RunPython(create, drop)]
