from django.apps import AppConfig


class TranscriptsConfig(AppConfig):
    name = "transcripts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot load before the app registry.
        from core import worker
        from transcripts import actions

        # The worker freezes the transcripts of events whose tail window has closed.
        worker.every(60.0, actions.freeze_due)
