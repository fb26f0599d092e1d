"""Pages under /chats/: the directory, series and event pages, calendars, RSVPs
and the host pages."""

from chats.views.host import (
    event_delete,
    event_edit,
    event_log,
    event_new,
    occurrence_change,
    series_edit,
    series_new,
)
from chats.views.public import directory, event_detail, event_ics, series_detail, series_ics
from chats.views.questions import question_add, question_delete, question_edit, question_move
from chats.views.taking_part import hide, rsvp

__all__ = [
    "directory",
    "event_delete",
    "event_detail",
    "event_edit",
    "event_ics",
    "event_log",
    "event_new",
    "hide",
    "occurrence_change",
    "question_add",
    "question_delete",
    "question_edit",
    "question_move",
    "rsvp",
    "series_detail",
    "series_edit",
    "series_ics",
    "series_new",
]
