from django.apps import AppConfig


class ChatsConfig(AppConfig):
    name = "chats"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from chats import linking, room_stream
        from posts import hooks

        # A new post joins its chat event (and question): posts calls chats back.
        hooks.on_post_created("chats.linking", prepare=linking.find_link, store=linking.save_link)
        # The room's event stream is served by live, past Django.
        room_stream.register()
