from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Infrastructure every app stands on: connection set-up that every part shares."""

    name = "core"

    def ready(self) -> None:
        from core import metrics, postgres, tasklog, worker

        postgres.connect()
        tasklog.connect()
        metrics.add_collector(worker.queue_depth)
