"""/chats/...: the directory, series and event pages, calendars, RSVPs and the
host pages. The live room (/chats/<hashtag>/events/<id>/room/) and the transcript
(/chats/<hashtag>/events/<id>/transcript/) live in their own apps."""

from django.urls import path

from chats import views
from chats.views import follow

# <id:...> is core's 64-bit id converter (core.ids.IdConverter).

app_name = "chats"

urlpatterns = [
    path("chats/", views.directory, name="directory"),
    path("chats/new/", views.series_new, name="series-new"),
    path("host/", views.host_a_chat, name="host"),
    path("how-to-take-part/", views.how_to_take_part, name="how-to-take-part"),
    path("chats/recurrence-preview/", views.recurrence_preview, name="recurrence-preview"),
    path("chats/<str:hashtag>/", views.series_detail, name="series"),
    path("chats/<str:hashtag>/edit/", views.series_edit, name="series-edit"),
    path("chats/<str:hashtag>/calendar.ics", views.series_ics, name="series-ics"),
    path("chats/<str:hashtag>/follow/", follow.follow_from_server, name="follow-from-server"),
    path("chats/<str:hashtag>/account/", follow.account_options, name="account-options"),
    path("chats/<str:hashtag>/occurrences/", views.occurrence_change, name="occurrence-change"),
    path("chats/<str:hashtag>/events/new/", views.event_new, name="event-new"),
    path("chats/<str:hashtag>/events/<id:event_id>/", views.event_detail, name="event"),
    path("chats/<str:hashtag>/events/<id:event_id>/edit/", views.event_edit, name="event-edit"),
    path("chats/<str:hashtag>/events/<id:event_id>/event.ics", views.event_ics, name="event-ics"),
    path(
        "chats/<str:hashtag>/events/<id:event_id>/delete/",
        views.event_delete,
        name="event-delete",
    ),
    path("chats/<str:hashtag>/events/<id:event_id>/log/", views.event_log, name="event-log"),
    path("chats/<str:hashtag>/events/<id:event_id>/rsvp/", views.rsvp, name="rsvp"),
    path(
        "chats/<str:hashtag>/events/<id:event_id>/posts/<id:post_id>/hide/",
        views.hide,
        name="hide-post",
    ),
]
