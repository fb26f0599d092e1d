from django.urls import path

from gathering import views

app_name = "gathering"

urlpatterns = [
    path("chats/<str:hashtag>/archives/new/", views.archive_new, name="archive-new"),
    path("chats/<str:hashtag>/archives/<id:archive_id>/", views.archive_detail, name="archive"),
    path(
        "chats/<str:hashtag>/archives/<id:archive_id>/questions/",
        views.mark_question,
        name="archive-mark-question",
    ),
    path("chats/<str:hashtag>/watched/", views.watch, name="watch"),
    path("chats/<str:hashtag>/watched/<id:watched_id>/delete/", views.unwatch, name="unwatch"),
]
