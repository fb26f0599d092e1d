from django.apps import AppConfig


class FederationConfig(AppConfig):
    """ActivityPub: actors, signatures, inbox, outbox, delivery and fetching, a
    translation layer over the domain actions (docs/federation.md)."""

    name = "federation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from federation import hooks

        hooks.connect()
