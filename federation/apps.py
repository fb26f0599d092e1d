from django.apps import AppConfig


class FederationConfig(AppConfig):
    """ActivityPub: actors, signatures, inbox, outbox, delivery and fetching, a
    translation layer over the domain actions (docs/federation.md)."""

    name = "federation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the modules load models, which are ready only now.
        from core import metrics
        from federation import hooks
        from federation.metrics import deliveries_by_domain

        hooks.connect()
        # Deliveries queued, failing and given up per domain, on /metrics.
        metrics.add_collector(deliveries_by_domain)
