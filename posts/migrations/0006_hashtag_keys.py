"""Hashtag.name_lower becomes core.hashtags.tag_key(name) (NFKC + case folding)
instead of Python's lower(). Rows that now share a key (#Straße and #STRASSE,
#café written composed and decomposed) are merged into the oldest: its posts and
followers are moved over, then the others are deleted."""

from django.db import migrations, models


def normalise(apps, schema_editor):
    from core.hashtags import tag_key

    Hashtag = apps.get_model("posts", "Hashtag")
    TagFollow = apps.get_model("posts", "TagFollow")
    Through = apps.get_model("posts", "Post").hashtags.through
    keep: dict[str, int] = {}
    for tag in Hashtag.objects.order_by("id"):
        key = tag_key(tag.name)
        if key not in keep:
            keep[key] = tag.id
            continue
        target = keep[key]
        tagged = set(Through.objects.filter(hashtag_id=target).values_list("post_id", flat=True))
        Through.objects.filter(hashtag_id=tag.id).exclude(post_id__in=tagged).update(
            hashtag_id=target
        )
        following = set(
            TagFollow.objects.filter(hashtag_id=target).values_list("profile_id", flat=True)
        )
        TagFollow.objects.filter(hashtag_id=tag.id).exclude(profile_id__in=following).update(
            hashtag_id=target
        )
        tag.delete()
    # Two passes so that a key taken by one row before it is renamed never clashes.
    for tag in Hashtag.objects.all():
        Hashtag.objects.filter(pk=tag.pk).update(name_lower=f"~renaming~{tag.pk}")
    for tag in Hashtag.objects.all():
        Hashtag.objects.filter(pk=tag.pk).update(name_lower=tag_key(tag.name))


class Migration(migrations.Migration):
    dependencies = [("posts", "0005_idempotency_key_per_profile")]

    operations = [
        migrations.AlterField(
            model_name="hashtag",
            name="name_lower",
            field=models.CharField(max_length=400, unique=True),
        ),
        migrations.RunPython(normalise, migrations.RunPython.noop),
    ]
