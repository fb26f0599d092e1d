from django.apps import AppConfig


class GatheringConfig(AppConfig):
    """Posts of a chat gathered from other servers' public Mastodon APIs: archives of
    chats held elsewhere (docs/federation.md). Sits above federation, whose fetching
    brings each post in through its ActivityPub id."""

    name = "gathering"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import worker

        # Archives asked for on the pages or the API are built by the worker.
        worker.register_periodic_job("gathering.archive.run_next", 2.0)
