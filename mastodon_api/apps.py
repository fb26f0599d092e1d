from django.apps import AppConfig


class MastodonApiConfig(AppConfig):
    name = "mastodon_api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The layers below name no app above them: this translation layer plugs
        # its Mastodon shapes and its tokens into their extension points.
        # Imported here, not at the top: models cannot load before the app registry.
        from accounts import tokens
        from chats import room
        from live import streams as live_streams
        from mastodon_api import auth, events, streams
        from mastodon_api.entities import status_entities

        # Stream names, bearer tokens and event wire forms for live.
        live_streams.on_stream(streams.PUBLIC_NAMES + streams.HASHTAG_NAMES, streams.resolve_public)
        live_streams.on_stream(streams.USER_NAMES, streams.resolve_user)
        live_streams.authenticate_with(streams.viewer_for_token)
        events.register()
        # Bearer tokens for the own API (chats), statuses for the chat room.
        tokens.authenticate_with(auth.authenticate_bearer)
        room.render_statuses_with(
            lambda posts, viewer, base_url: status_entities(posts, viewer=viewer, base_url=base_url)
        )
