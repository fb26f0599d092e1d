from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from core.metrics import metrics_view
from core.routing import under
from hashchat.api import api

urlpatterns = [
    # Prometheus figures, for allowed addresses or a token (core.metrics, docs/operations.md)
    path("metrics", metrics_view, name="metrics"),
    # Mastodon client API and OAuth (/api/v1, /api/v2, /oauth, /.well-known, /nodeinfo),
    # first: apps poll it during a chat, and Django tries the patterns in order.
    # The Mastodon admin API's domain blocks, answered by federation.
    under("api/", "federation.api_urls"),
    under(r"api/|oauth/|\.well-known/|nodeinfo/", "mastodon_api.urls"),
    path("admin/", admin.site.urls),
    path("api/hashchat/v1/", api.urls),
    # ActivityPub (WebFinger, actors, inboxes): before accounts and posts, whose pages
    # /@handle and /@handle/ID it also answers as JSON-LD.
    path("", include("federation.urls")),
    path("", include("accounts.urls")),
    path("", include("posts.urls")),
    # /chats/... : directory, series, events, calendars, host pages
    under("chats/|host/|how-to-take-part/", "chats.urls"),
    # /chats/<hashtag>/events/<id>/room/ and the room's own endpoints
    under("chats/", "chats.room_urls"),
    # /chats/<hashtag>/archives/...: archives of chats held elsewhere
    under("chats/", "gathering.urls"),
    # /chats/<hashtag>/events/<id>/transcript/ and exports, feeds
    under("chats/|transcripts\\.atom", "transcripts.urls"),
    # /moderation/: the site admins' reports, suspensions and audit log
    under("moderation/", "moderation.urls"),
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]

# API clients get {"error": ...} JSON for these too (413 for a body over the limit).
handler400 = "core.error_views.bad_request"
handler404 = "core.error_views.page_not_found"
handler500 = "core.error_views.server_error"
