from django.apps import AppConfig


class ChatsConfig(AppConfig):
    name = "chats"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: chats.queries needs the models, which are ready only now.
        from chats.queries import is_host_in_live_event
        from core import ratelimit

        # Chats' policy for the posting limits (posts.limits): a host (organiser or
        # co-host) is never throttled in their own live event.
        ratelimit.exempt_when("post", is_host_in_live_event)
