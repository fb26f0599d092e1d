from django.apps import AppConfig


class HashchatConfig(AppConfig):
    """The project package as an app: connection set-up that every part shares."""

    name = "hashchat"

    def ready(self) -> None:
        from hashchat import postgres

        postgres.connect()
