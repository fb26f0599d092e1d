"""One connection's side of the hub: what it subscribed to, its bounded queue, and
(for a Server-Sent-Events connection on uvicorn) a way to write to it directly.

The hub delivers an event to a subscriber in one of two ways:

- **directly**: when the subscriber has a `writer`, nothing queued, no write of
  its own in progress (`busy`) and a transport that takes more without waiting,
  the hub writes the event's bytes to the transport itself, in the same loop over
  all subscribers, with no task switch;
- **queued**: otherwise the event goes to the subscriber's bounded queue and its
  connection's task wakes up and sends everything pending in one write (through
  ASGI `send`, which waits while the client reads slowly). A subscriber whose
  queue is full is dropped and told so.

Both ways send the same bytes in the same order: the direct way is only taken
while nothing older is waiting on the queued way.
"""

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Protocol

from live.envelope import Envelope

Accept = Callable[[Envelope], bool]
Label = tuple[str, ...]
Filter = tuple[frozenset[str], Accept]  # a subscription's streams and filter


def accept_all(envelope: Envelope) -> bool:
    return True


class Subscription:
    __slots__ = ("label", "streams", "accept")

    def __init__(self, label: Label, streams: frozenset[str], accept: Accept) -> None:
        self.label = label
        self.streams = streams
        self.accept = accept


class Writer(Protocol):
    """Writes a connection's frames without going through its task (live.direct)."""

    kind: bytes

    def ready(self) -> bool:
        """Whether a write now goes out (or to the transport's buffer) without waiting."""
        ...

    def frame(self, sse: bytes) -> bytes:
        """`sse` (whole SSE frames) as it goes on this connection's wire."""
        ...

    def write(self, data: bytes) -> bool:
        """Write `frame(...)`'s bytes; False when the connection could not take them."""
        ...


class Subscriber:
    """One connection's queue. The fan-out pushes; the connection's task awaits
    `next()`, which returns everything pending at once (one write per wake-up)."""

    __slots__ = (
        "subscriptions",
        "filters",
        "pending",
        "queue_limit",
        "closed",
        "dropped",
        "refetch",
        "heartbeat",
        "turn",
        "rechecks",
        "writer",
        "busy",
        "_waiter",
    )

    def __init__(self, queue_limit: int) -> None:
        self.subscriptions: dict[Label, Subscription] = {}
        # What decides which events this subscriber wants (not how they are labelled):
        # subscribers with equal filters want the same events (see refilter).
        self.filters: frozenset[Filter] = frozenset()
        self.pending: deque[tuple[Envelope, list[Label]]] = deque()
        self.queue_limit = queue_limit
        self.closed = False
        # Set when this subscriber fell too far behind, or when the hub lost events
        # (Redis went away): the connection tells its client, then ends or goes on.
        self.dropped = False
        self.refetch = False
        self.heartbeat = False
        self.turn = 0  # which of the hub's heartbeat turns is this subscriber's
        # Whether its connection's task checks something at each heartbeat (a token):
        # then the hub never writes its heartbeats itself.
        self.rechecks = False
        # The direct way (see the module's docstring); `busy` while the connection's
        # own task is writing, so that nothing overtakes what it writes.
        self.writer: Writer | None = None
        self.busy = False
        self._waiter: asyncio.Future[None] | None = None

    def labels(self, envelope: Envelope, verdicts: dict[Accept, bool] | None = None) -> list[Label]:
        """The subscriptions that want `envelope`. `verdicts` remembers each filter's
        answer for this envelope, so that subscribers sharing a filter ask it once."""
        found = []
        for s in self.subscriptions.values():
            if s.streams.isdisjoint(envelope.streams):
                continue
            if verdicts is None:
                ok = s.accept(envelope)
            else:
                known = verdicts.get(s.accept)
                ok = verdicts[s.accept] = s.accept(envelope) if known is None else known
            if ok:
                found.append(s.label)
        return found

    def refilter(self) -> None:
        """Call after changing `subscriptions`."""
        self.filters = frozenset((s.streams, s.accept) for s in self.subscriptions.values())

    def push(self, envelope: Envelope, verdicts: dict[Accept, bool] | None = None) -> bool:
        """Queue `envelope` for the subscriptions that want it; False when it overflowed."""
        labels = self.labels(envelope, verdicts)
        if not labels:
            return True
        if len(self.pending) >= self.queue_limit:
            return False
        self.pending.append((envelope, labels))
        self._wake()
        return True

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def next(self) -> list[tuple[Envelope, list[Label]]]:
        """Wait for events (or a heartbeat, a drop, a close); return what is pending."""
        while not (self.pending or self.closed or self.heartbeat or self.refetch):
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        batch = list(self.pending)
        self.pending.clear()
        return batch

    def mark(self, *, heartbeat: bool = False, refetch: bool = False) -> None:
        self.heartbeat = self.heartbeat or heartbeat
        self.refetch = self.refetch or refetch
        self._wake()

    def stop(self, *, dropped: bool = False) -> None:
        self.closed = True
        self.writer = None
        self.dropped = self.dropped or dropped
        self.pending.clear()
        self._wake()
