from django.apps import AppConfig


class ChatsConfig(AppConfig):
    name = "chats"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot load before the app registry.
        from chats import linking, post_pages, reminders, room_stream, scheduler
        from chats.queries import is_host_in_live_event
        from core import metrics, ratelimit, worker
        from posts import hooks

        # A new post joins its chat event (and question): posts calls chats back.
        hooks.on_post_created("chats.linking", prepare=linking.find_link, store=linking.save_link)
        # The home and hashtag pages point to chats.
        post_pages.register()
        # The room's event stream is served by live, past Django.
        room_stream.register()
        # The worker posts the welcome, questions and closing posts that are due
        # (each claimed once), and sends RSVP reminders, in-app and by e-mail.
        worker.every(1.0, scheduler.run_due)
        worker.every(15.0, reminders.send_due)

        # Chats' policy for the posting limits (posts.limits): a host (organiser or
        # co-host) is never throttled in their own live event.
        ratelimit.exempt_when("post", is_host_in_live_event)
        # The scheduler's lag, for /metrics.
        metrics.add_collector(scheduler.lag_metrics)
