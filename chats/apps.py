from django.apps import AppConfig


class ChatsConfig(AppConfig):
    name = "chats"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from chats import scheduler
        from core import metrics

        metrics.add_collector(scheduler.lag_metrics)
