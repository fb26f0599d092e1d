"""An event as it travels: built once in the publishing process, framed once per wire
format in each process, and handed to every subscriber as the same bytes."""

import asyncio
import json
import time
from typing import Any, Protocol

# The event names a Mastodon client may receive; other names stay inside hashchat
# (the chat room's own stream).
STREAMING_EVENT_NAMES = frozenset({"update", "delete", "status.update", "notification"})

HEARTBEAT = b":thump\n"
# An event of this name is never sent: it ends every connection subscribed to its
# streams (live.publish.close_streams_on_commit; e.g. a profile was suspended).
CLOSE = "live.close"


class Envelope:
    """One event on one or more hub streams.

    `name` is the event name on the wire ("update", "delete", "chat.question" ...);
    `data` is its payload, already serialised (Status JSON, or a bare id for a
    delete). `author_id` and `is_repost` let a stream filter without parsing it.
    """

    __slots__ = ("id", "streams", "name", "data", "author_id", "is_repost", "at", "_sse", "_ws")

    def __init__(
        self,
        id: int,
        streams: tuple[str, ...],
        name: str,
        data: str,
        author_id: str | None = None,
        is_repost: bool = False,
        at: float | None = None,
    ) -> None:
        self.id = id
        self.streams = streams
        self.name = name
        self.data = data
        self.author_id = author_id
        self.is_repost = is_repost
        # When this process received it (monotonic), for the buffer's age limit.
        self.at = time.monotonic() if at is None else at
        self._sse: bytes | None = None
        self._ws: dict[tuple[str, ...], str] = {}

    def sse(self) -> bytes:
        """`id:`, `event:` and `data:` lines, LF endings, a blank line to dispatch."""
        if self._sse is None:
            self._sse = f"id: {self.id}\nevent: {self.name}\ndata: {self.data}\n\n".encode()
        return self._sse

    def ws(self, label: tuple[str, ...]) -> str:
        """The WebSocket message for one subscription (label: ("hashtag", "x"))."""
        text = self._ws.get(label)
        if text is None:
            text = json.dumps(
                {"stream": list(label), "event": self.name, "payload": self.data},
                separators=(",", ":"),
            )
            self._ws[label] = text
        return text

    # The form sent between processes (Redis): everything but the id, which the
    # channel message carries in front of it.
    def wire(self) -> str:
        return json.dumps(
            {
                "s": list(self.streams),
                "n": self.name,
                "d": self.data,
                "a": self.author_id,
                "r": self.is_repost,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_wire(cls, id: int, text: str | bytes) -> "Envelope":
        raw: dict[str, Any] = json.loads(text)
        return cls(
            id,
            tuple(raw["s"]),
            raw["n"],
            raw["d"],
            author_id=raw.get("a"),
            is_repost=bool(raw.get("r")),
        )


def control_sse(name: str, data: dict[str, Any]) -> bytes:
    """A frame that is not a stored event (refetch, dropped): no id line, so a
    client's Last-Event-ID stays at the last real event."""
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


class Bridge(Protocol):
    """Carries envelopes between processes: live.redis_bridge between web processes,
    live.local_bridge from a worker process to its web process."""

    ready: asyncio.Event

    def publish(self, envelope: Envelope) -> int: ...

    def current(self) -> int: ...

    async def listen(self) -> None: ...
