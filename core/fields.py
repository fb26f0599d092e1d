from django.db import models

from core.ids import next_id


class SnowflakeField(models.BigIntegerField):
    """A 64-bit, time-sortable primary key (see core.ids)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("default", next_id)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, "core.fields.SnowflakeField", args, kwargs
