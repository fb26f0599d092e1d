from django.apps import AppConfig
from django.urls import register_converter

from core import metrics, postgres, tasklog, worker
from core.ids import IdConverter


class CoreConfig(AppConfig):
    """Infrastructure every app stands on: connection set-up that every part shares."""

    name = "core"

    def ready(self) -> None:
        postgres.connect()
        tasklog.connect()
        metrics.add_collector(worker.queue_depth)
        # `<id:post_id>` in every URL table: a 64-bit id or no match.
        register_converter(IdConverter, "id")
