"""The chat room's event stream, served by live.streaming past Django:

    GET /chats/<tag>/events/<id>/room/stream    Server-Sent Events of the event and its hashtag

chats registers the path with live (chats.apps); live knows no app.
"""

import re

from chats.models import Event
from core.hashtags import tag_key
from live import streams
from live.streams import Resolved

ROOM_STREAM = r"^/chats/(?P<tag>[^/]+)/events/(?P<event>\d+)/room/stream$"


def accept_all(envelope) -> bool:
    return True


def leaving_out_boosts_by(account_id: int | None):
    """The room shows each post once: the chat account's own boosts (how the chat
    reaches its followers on other servers) are left out of its stream."""
    if account_id is None:
        return accept_all
    account = str(account_id)

    def accept(envelope) -> bool:
        return not (envelope.is_repost and envelope.author_id == account)

    return accept


def room_streams(match: "re.Match[str]") -> list[Resolved] | None:
    """The hub streams of a public, published event's room; None for a 404."""
    event = (
        Event.objects.select_related("series")
        .filter(pk=int(match["event"]), series__hashtag_key=tag_key(match["tag"]))
        .filter(series__is_public=True)
        .exclude(state=Event.State.DRAFT)
        .first()
    )
    if event is None:
        return None
    names = frozenset({f"hashtag:{event.series.hashtag_key}", f"event:{event.id}"})
    accept = leaving_out_boosts_by(event.series.account_id)
    return [Resolved(("room", str(event.id)), names, accept)]


def register() -> None:
    streams.on_path(ROOM_STREAM, room_streams)
