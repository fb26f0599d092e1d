"""One pass of the fan-out: a batch of events to the subscribers of their streams,
and their heartbeats.

Each subscriber gets the batch written directly to its connection when it keeps up
(live.subscriber, live.direct), or queued otherwise. The bytes are built once for
every kind of subscriber: subscribers with the same subscriptions want the same
events, so each filter is asked once per event and each run of wanted events is
framed once, whatever the number of subscribers.
"""

from collections.abc import Callable, Iterable

from live.envelope import HEARTBEAT, Envelope
from live.subscriber import Accept, Filter, Subscriber, Writer

ALL: tuple[int, ...] = (0,)  # the wanted events of a one-event delivery


def deliver(
    batch: list[Envelope],
    targets: Iterable[Subscriber],
    drop: Callable[[Subscriber], None],
) -> tuple[int, int]:
    """Hand `batch` (events in id order) to `targets`; `drop` each subscriber whose
    queue overflows. Returns the events delivered (written or queued) and, of those,
    the ones written directly."""
    verdicts: list[dict[Accept, bool]] = [{} for _ in batch]
    wire: dict[tuple[bytes, tuple[int, ...]], bytes] = {}
    by_filters: dict[tuple[bytes, frozenset[Filter]], tuple[int, bytes]] = {}
    queued_total = direct = 0
    for subscriber in targets:
        writer = subscriber.writer
        if writer is not None and not subscriber.pending and not subscriber.busy and writer.ready():
            slot = (writer.kind, subscriber.filters)
            known = by_filters.get(slot)
            if known is None:
                known = by_filters[slot] = _wire_for(subscriber, writer, batch, verdicts, wire)
            count, data = known
            if not count:
                continue
            if writer.write(data):
                direct += count
                continue
        if subscriber.closed:
            continue
        queued = len(subscriber.pending)
        for envelope, verdict in zip(batch, verdicts, strict=True):
            if not subscriber.push(envelope, verdict):
                drop(subscriber)
                break
        else:
            queued_total += len(subscriber.pending) - queued
    return queued_total + direct, direct


def _wire_for(
    subscriber: Subscriber,
    writer: Writer,
    batch: list[Envelope],
    verdicts: list[dict[Accept, bool]],
    wire: dict[tuple[bytes, tuple[int, ...]], bytes],
) -> tuple[int, bytes]:
    """How many of `batch` `subscriber` wants, and those events as `writer`'s bytes."""
    wanted: tuple[int, ...]
    if len(batch) == 1:
        wanted = ALL if subscriber.labels(batch[0], verdicts[0]) else ()
    else:
        wanted = tuple(
            i for i, envelope in enumerate(batch) if subscriber.labels(envelope, verdicts[i])
        )
    if not wanted:
        return 0, b""
    key = (writer.kind, wanted)
    data = wire.get(key)
    if data is None:
        data = wire[key] = writer.frame(b"".join(batch[i].sse() for i in wanted))
    return len(wanted), data


def heartbeats(subscribers: Iterable[Subscriber]) -> None:
    """A heartbeat for each of `subscribers`: written directly (as events are) where
    the connection allows it and its task has nothing to do at a heartbeat; otherwise
    the connection's task wakes, writes it and checks again the token the stream was
    opened with."""
    framed: dict[bytes, bytes] = {}
    for subscriber in subscribers:
        writer = subscriber.writer
        if (
            writer is not None
            and not subscriber.rechecks
            and not subscriber.pending
            and not subscriber.busy
            and writer.ready()
        ):
            data = framed.get(writer.kind)
            if data is None:
                data = framed[writer.kind] = writer.frame(HEARTBEAT)
            if writer.write(data):
                continue
        subscriber.mark(heartbeat=True)
