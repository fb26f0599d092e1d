from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from hashchat.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/hashchat/v1/", api.urls),
    path("", include("accounts.urls")),
    path("", include("posts.urls")),
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
