"""Series hashtags are unique by core.hashtags.tag_key (NFKC + case folding) instead
of SQLite's/PostgreSQL's LOWER(), which folds ASCII only on SQLite (#café and #CAFÉ
were two series). Existing rows get their key; should two existing series now share
one, the later gets its id appended to its key (and keeps its hashtag) so the
migration never fails; the organisers can then rename it."""

from django.db import migrations, models


def fill_keys(apps, schema_editor):
    from core.hashtags import tag_key

    Series = apps.get_model("chats", "Series")
    seen: set[str] = set()
    for series in Series.objects.order_by("id"):
        key = tag_key(series.hashtag)
        if key in seen:
            key = f"{key}~{series.id}"
        seen.add(key)
        Series.objects.filter(pk=series.pk).update(hashtag_key=key)


class Migration(migrations.Migration):
    dependencies = [("chats", "0003_event_placeholders_reminded_at")]

    operations = [
        migrations.RemoveConstraint(model_name="series", name="series_hashtag_ci_unique"),
        migrations.AddField(
            model_name="series",
            name="hashtag_key",
            field=models.CharField(default="", editable=False, max_length=400),
            preserve_default=False,
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="series",
            constraint=models.UniqueConstraint("hashtag_key", name="series_hashtag_key_unique"),
        ),
    ]
