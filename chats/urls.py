"""/chats/...: the directory, series and event pages, calendars, RSVPs and the
host pages. The live room (/chats/<hashtag>/events/<id>/room/) and the transcript
(/chats/<hashtag>/events/<id>/transcript/) live in their own apps."""

from django.urls import path, register_converter

from chats import views
from chats.views import follow


class IdConverter:
    """A 64-bit id: larger numbers are no match (404), never a database error."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > 2**63 - 1:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "chat_id")

app_name = "chats"

urlpatterns = [
    path("chats/", views.directory, name="directory"),
    path("chats/new/", views.series_new, name="series-new"),
    path("chats/<str:hashtag>/", views.series_detail, name="series"),
    path("chats/<str:hashtag>/edit/", views.series_edit, name="series-edit"),
    path("chats/<str:hashtag>/calendar.ics", views.series_ics, name="series-ics"),
    path("chats/<str:hashtag>/follow/", follow.follow_from_server, name="follow-from-server"),
    path("chats/<str:hashtag>/account/", follow.account_options, name="account-options"),
    path("chats/<str:hashtag>/occurrences/", views.occurrence_change, name="occurrence-change"),
    path("chats/<str:hashtag>/events/new/", views.event_new, name="event-new"),
    path("chats/<str:hashtag>/events/<chat_id:event_id>/", views.event_detail, name="event"),
    path(
        "chats/<str:hashtag>/events/<chat_id:event_id>/edit/", views.event_edit, name="event-edit"
    ),
    path(
        "chats/<str:hashtag>/events/<chat_id:event_id>/event.ics", views.event_ics, name="event-ics"
    ),
    path(
        "chats/<str:hashtag>/events/<chat_id:event_id>/delete/",
        views.event_delete,
        name="event-delete",
    ),
    path("chats/<str:hashtag>/events/<chat_id:event_id>/log/", views.event_log, name="event-log"),
    path("chats/<str:hashtag>/events/<chat_id:event_id>/rsvp/", views.rsvp, name="rsvp"),
    path(
        "chats/<str:hashtag>/events/<chat_id:event_id>/questions/",
        views.question_add,
        name="question-add",
    ),
    path(
        "chats/<str:hashtag>/events/<chat_id:event_id>/questions/<chat_id:question_id>/",
        views.question_edit,
        name="question-edit",
    ),
    path(
        "chats/<str:hashtag>/events/<chat_id:event_id>/questions/<chat_id:question_id>/move/",
        views.question_move,
        name="question-move",
    ),
    path(
        "chats/<str:hashtag>/events/<chat_id:event_id>/questions/<chat_id:question_id>/delete/",
        views.question_delete,
        name="question-delete",
    ),
    path(
        "chats/<str:hashtag>/events/<chat_id:event_id>/posts/<chat_id:post_id>/hide/",
        views.hide,
        name="hide-post",
    ),
]
