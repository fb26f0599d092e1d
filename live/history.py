"""The recent events of each stream in this process, for resumes: a client that
reconnects with Last-Event-ID gets what it missed, or is told to refetch when some
of it is no longer known here."""

import time
from collections import deque
from collections.abc import Iterable

from live.envelope import Envelope


class History:
    """At most `max_events` events per stream, none older than `max_seconds`."""

    def __init__(self, max_events: int, max_seconds: float, *, floor: int) -> None:
        self.max_events = max_events
        self.max_seconds = max_seconds
        # This process cannot vouch for ids at or below `floor` (before it started
        # listening, or before Redis came back after an outage).
        self.floor = floor
        self._aged_floor = 0  # the newest id let go of for its age
        self._buffers: dict[str, deque[Envelope]] = {}
        # The newest id a stream's buffer has let go of: resume from before it is a refetch.
        self._stream_floor: dict[str, int] = {}

    def remember(self, envelope: Envelope) -> None:
        for stream in envelope.streams:
            buffer = self._buffers.get(stream)
            if buffer is None:
                buffer = self._buffers[stream] = deque()
            buffer.append(envelope)
            if len(buffer) > self.max_events:
                self._stream_floor[stream] = buffer.popleft().id

    def forget_old(self) -> None:
        """Let go of events older than `max_seconds`."""
        limit = time.monotonic() - self.max_seconds
        for stream in list(self._buffers):
            buffer = self._buffers[stream]
            while buffer and buffer[0].at < limit:
                self._aged_floor = max(self._aged_floor, buffer.popleft().id)
            if not buffer:
                del self._buffers[stream]

    def replay(self, streams: Iterable[str], last_id: int) -> list[Envelope] | None:
        """The events on `streams` after `last_id`, oldest first; None when some of
        them are no longer known here (the client must refetch)."""
        if last_id < self.floor or last_id < self._aged_floor:
            return None
        found: dict[int, Envelope] = {}
        for stream in streams:
            if last_id < self._stream_floor.get(stream, 0):
                return None
            for envelope in reversed(self._buffers.get(stream, ())):
                if envelope.id <= last_id:
                    break
                found[envelope.id] = envelope
        return [found[key] for key in sorted(found)]
