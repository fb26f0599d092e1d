from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot load before the app registry.
        from accounts import hooks
        from posts.notifications import notify

        def notify_followee(follower, followee) -> None:
            notify(recipient=followee, kind="follow", actor=follower)

        # A new follow notifies the followed profile.
        hooks.on_follow("posts.notifications", notify_followee)
