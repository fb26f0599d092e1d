from django.apps import AppConfig

from core import postgres


class CoreConfig(AppConfig):
    """Infrastructure every app stands on: connection set-up that every part shares."""

    name = "core"

    def ready(self) -> None:
        postgres.connect()
