"""The chat room (included at the site root). Its event stream, /room/stream, is
served by live.streaming before requests reach Django."""

from django.urls import path

from chats.views import room as views

ROOM = "chats/<str:hashtag>/events/<id:event_id>/room/"

urlpatterns = [
    path(ROOM, views.room, name="room"),
    path(ROOM + "post", views.room_post, name="room-post"),
    path(ROOM + "posts.json", views.room_posts, name="room-posts"),
    path(ROOM + "state.json", views.room_state, name="room-state"),
    path(ROOM + "posts/<id:post_id>/<str:verb>", views.room_react, name="room-react"),
]
