from django.apps import AppConfig
from django.urls import register_converter

from core import postgres
from core.ids import IdConverter


class CoreConfig(AppConfig):
    """Infrastructure every app stands on: connection set-up that every part shares."""

    name = "core"

    def ready(self) -> None:
        postgres.connect()
        # `<id:post_id>` in every URL table: a 64-bit id or no match.
        register_converter(IdConverter, "id")
