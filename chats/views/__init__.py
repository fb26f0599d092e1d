"""Pages under /chats/: the directory, series and event pages, calendars, RSVPs
and the host pages."""

from chats.views.host import (
    event_delete,
    event_log,
    occurrence_change,
)
from chats.views.public import (
    directory,
    event_detail,
    event_ics,
    how_to_take_part,
    series_detail,
    series_ics,
)
from chats.views.questions import event_edit, event_new
from chats.views.series_form import host_a_chat, recurrence_preview, series_edit, series_new
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
    "host_a_chat",
    "how_to_take_part",
    "occurrence_change",
    "recurrence_preview",
    "rsvp",
    "series_detail",
    "series_edit",
    "series_ics",
    "series_new",
]
