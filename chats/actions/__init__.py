"""Writes about chats: series, occurrence changes, events and their questions,
RSVPs and hiding posts from an event. Each validates, writes in one transaction
and publishes live events after commit; views, the API, the worker and the demo
call these and nothing else."""

from chats.actions.events import (
    add_question,
    create_event,
    delete_event,
    delete_question,
    move_question,
    update_event,
    update_question,
)
from chats.actions.moderation import hide_post
from chats.actions.planning import save_event, set_questions
from chats.actions.rsvps import cancel_rsvp, rsvp
from chats.actions.series import (
    create_series,
    move_occurrence,
    restore_occurrence,
    skip_occurrence,
    update_series,
)
from chats.permissions import can_edit_series, can_host, check_edit_series, check_host

__all__ = [
    "add_question",
    "can_edit_series",
    "can_host",
    "cancel_rsvp",
    "check_edit_series",
    "check_host",
    "create_event",
    "create_series",
    "delete_event",
    "delete_question",
    "hide_post",
    "move_occurrence",
    "move_question",
    "restore_occurrence",
    "rsvp",
    "save_event",
    "set_questions",
    "skip_occurrence",
    "update_event",
    "update_question",
    "update_series",
]
