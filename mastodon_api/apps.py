from django.apps import AppConfig


class MastodonApiConfig(AppConfig):
    name = "mastodon_api"
    default_auto_field = "django.db.models.BigAutoField"
