from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from core.metrics import metrics_view
from hashchat.api import api

urlpatterns = [
    # Prometheus figures, for allowed addresses or a token (core.metrics, docs/operations.md)
    path("metrics", metrics_view, name="metrics"),
    # Mastodon client API and OAuth (/api/v1, /api/v2, /oauth, /.well-known, /nodeinfo),
    # first: apps poll it during a chat, and Django tries the patterns in order.
    # The Mastodon admin API's domain blocks, answered by federation.
    path("", include("federation.api_urls")),
    path("", include("mastodon_api.urls")),
    path("admin/", admin.site.urls),
    path("api/hashchat/v1/", api.urls),
    # ActivityPub (WebFinger, actors, inboxes): before accounts and posts, whose pages
    # /@handle and /@handle/ID it also answers as JSON-LD.
    path("", include("federation.urls")),
    path("", include("accounts.urls")),
    path("", include("posts.urls")),
    # /chats/... : directory, series, events, calendars, host pages
    path("", include("chats.urls")),
    # /chats/<hashtag>/events/<id>/room/ and the room's own endpoints
    path("", include("chats.room_urls")),
    # /chats/<hashtag>/archives/...: archives of chats held elsewhere
    path("", include("gathering.urls")),
    # /chats/<hashtag>/events/<id>/transcript/ and exports, feeds
    path("", include("transcripts.urls")),
    # /moderation/: the site admins' reports, suspensions and audit log
    path("", include("moderation.urls")),
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]

# API clients get {"error": ...} JSON for these too (413 for a body over the limit).
handler400 = "core.error_views.bad_request"
handler404 = "core.error_views.page_not_found"
handler500 = "core.error_views.server_error"
