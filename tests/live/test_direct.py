"""The hub's direct way: frames written to a connection by the fan-out itself, the
queued way for a connection that cannot take them now, and the same bytes in the
same order either way."""

import asyncio
import logging
import threading

from uvicorn.protocols.http.flow_control import FlowControl
from uvicorn.protocols.http.httptools_impl import RequestResponseCycle

from live.direct import ChunkedSSEWriter, sse_writer
from live.envelope import HEARTBEAT
from live.hub import HEARTBEAT_TURNS, Hub, Subscriber


class FakeWriter:
    kind = b"fake"

    def __init__(self) -> None:
        self.paused = False
        self.writes: list[bytes] = []

    def ready(self) -> bool:
        return not self.paused

    def frame(self, sse: bytes) -> bytes:
        return sse

    def write(self, data: bytes) -> bool:
        self.writes.append(data)
        return True


def direct_subscriber(
    hub: Hub, stream: str = "public", accept=None
) -> tuple[Subscriber, FakeWriter]:
    subscriber = hub.open()
    if accept is None:
        hub.add(subscriber, (stream,), [stream])
    else:
        hub.add(subscriber, (stream,), [stream], accept)
    writer = FakeWriter()
    subscriber.writer = writer
    return subscriber, writer


def emit(hub: Hub, n: int, stream: str = "public") -> None:
    for i in range(n):
        hub.emit([stream], "update", f'{{"n":{i}}}')


def frames(writer: FakeWriter) -> list[bytes]:
    return [f + b"\n\n" for w in writer.writes for f in w.split(b"\n\n") if f]


async def settle(hub: Hub) -> None:
    await hub.drained()
    for _ in range(3):
        await asyncio.sleep(0)


async def test_a_subscriber_that_keeps_up_gets_its_events_written_directly():
    hub = Hub()
    (first, a), (second, b) = direct_subscriber(hub), direct_subscriber(hub)
    emit(hub, 1)
    await settle(hub)
    emit(hub, 1)
    await settle(hub)
    assert len(a.writes) == 2
    assert a.writes[0] is b.writes[0], "the same bytes for every subscriber"
    assert a.writes[0].startswith(b"id: ") and a.writes[0].endswith(b'data: {"n":0}\n\n')
    assert not first.pending and not second.pending


async def test_events_that_arrive_together_go_out_in_one_write():
    hub = Hub()
    hub.attach()
    _subscriber, writer = direct_subscriber(hub)
    thread = threading.Thread(target=emit, args=(hub, 3))
    thread.start()
    thread.join()
    await settle(hub)
    assert len(writer.writes) == 1
    ids = [int(line[4:]) for line in writer.writes[0].split(b"\n") if line.startswith(b"id: ")]
    assert len(ids) == 3 and ids == sorted(ids)


async def test_events_left_for_a_loop_that_closed_reach_the_next_one():
    hub = Hub()
    subscriber = hub.open()
    hub.add(subscriber, ("public",), ["public"])
    old = asyncio.new_event_loop()
    hub._loop = old
    emit(hub, 1)  # its delivery is scheduled on `old`, which never runs it
    old.close()
    hub.attach()
    emit(hub, 1)
    await settle(hub)
    assert [e.data for e, _ in subscriber.pending] == ['{"n":0}', '{"n":0}']


async def test_a_paused_connection_is_queued_and_nothing_overtakes_the_queue():
    hub = Hub()
    subscriber, writer = direct_subscriber(hub)
    writer.paused = True
    emit(hub, 2)
    await settle(hub)
    assert writer.writes == [] and len(subscriber.pending) == 2
    writer.paused = False
    emit(hub, 1)
    await settle(hub)
    assert writer.writes == [], "queued events go first"
    batch = await subscriber.next()
    assert [e.data for e, _ in batch] == ['{"n":0}', '{"n":1}', '{"n":0}']
    # While the connection's task writes, newer events wait for it.
    subscriber.busy = True
    emit(hub, 1)
    await settle(hub)
    assert writer.writes == [] and len(subscriber.pending) == 1
    await subscriber.next()
    subscriber.busy = False
    emit(hub, 1)
    await settle(hub)
    assert len(writer.writes) == 1


async def test_a_slow_connection_is_dropped_while_a_fast_one_gets_everything():
    hub = Hub(queue_limit=5)
    fast, fast_writer = direct_subscriber(hub)
    slow, slow_writer = direct_subscriber(hub)
    slow_writer.paused = True
    for _round in range(4):
        emit(hub, 3)
        await settle(hub)
    assert len(frames(fast_writer)) == 12
    assert slow.closed and slow.dropped and slow.writer is None
    assert not fast.closed and hub.subscriber_count == 1


async def test_a_direct_subscriber_hears_only_what_it_accepts():
    hub = Hub()
    _subscriber, writer = direct_subscriber(hub, accept=lambda e: not e.is_repost)
    hub.emit(["public"], "update", "{}", is_repost=True)
    hub.emit(["hashtag:x"], "update", "{}")
    hub.emit(["public", "hashtag:x"], "update", '{"ok":1}')
    await settle(hub)
    assert len(writer.writes) == 1 and writer.writes[0].endswith(b'data: {"ok":1}\n\n')


class RecordingTransport:
    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        return None


async def test_a_direct_write_is_byte_for_byte_what_uvicorn_would_send():
    transport = RecordingTransport()
    cycle = RequestResponseCycle(
        scope={"type": "http", "method": "GET", "http_version": "1.1", "path": "/"},
        transport=transport,  # type: ignore[arg-type]
        flow=FlowControl(transport),  # type: ignore[arg-type]
        logger=logging.getLogger("test"),
        access_logger=logging.getLogger("test"),
        access_log=False,
        default_headers=[],
        message_event=asyncio.Event(),
        expect_100_continue=False,
        keep_alive=True,
        on_response=lambda: None,
    )
    scope = {"method": "GET"}
    assert sse_writer(scope, cycle.send) is None, "not before the response has started"
    await cycle.send({"type": "http.response.start", "status": 200, "headers": []})
    writer = sse_writer(scope, cycle.send)
    assert isinstance(writer, ChunkedSSEWriter) and writer.ready()
    frames = b"id: 1\nevent: update\ndata: {}\n\n"
    before = len(transport.data)
    await cycle.send({"type": "http.response.body", "body": frames, "more_body": True})
    by_uvicorn = transport.data[before:]
    writer.write(writer.frame(frames))
    assert transport.data[before + len(by_uvicorn) :] == by_uvicorn
    cycle.flow.pause_writing()
    assert not writer.ready()
    assert sse_writer({"method": "HEAD"}, cycle.send) is None


async def test_other_servers_get_no_direct_writer():
    async def send(message) -> None:
        return None

    assert sse_writer({"method": "GET"}, send) is None


async def test_events_that_arrive_while_the_hub_rests_go_out_in_one_write(monkeypatch):
    """After a pass the hub rests as long as the pass kept it busy: what arrives
    meanwhile goes out together, one write per subscriber."""
    clock = iter(range(0, 10_000, 1))
    # Every pass looks as if it took 1 s of CPU (rested for at most REST_MAX).
    monkeypatch.setattr("live.hub.cpu_time", lambda: float(next(clock)))
    hub = Hub()
    _subscriber, writer = direct_subscriber(hub)
    emit(hub, 1)
    await settle(hub)
    assert len(writer.writes) == 1
    emit(hub, 3)
    for _ in range(3):
        await asyncio.sleep(0)
    assert len(writer.writes) == 1, "still resting"
    await settle(hub)
    assert len(writer.writes) == 2 and len(frames(writer)) == 4


async def test_heartbeats_go_out_in_turns_and_directly_where_nothing_needs_the_task():
    hub = Hub()
    subscribers = [direct_subscriber(hub) for _ in range(HEARTBEAT_TURNS * 2)]
    rechecking, _writer = subscribers[0]
    rechecking.rechecks = True  # a stream opened with a token checks it at a heartbeat
    hub.beat(0)
    beaten = [(s, w) for s, w in subscribers if w.writes]
    assert len(beaten) == 1, "two subscribers have turn 0; one of them rechecks"
    ((subscriber, writer),) = beaten
    assert subscriber.turn == 0 and writer.writes == [HEARTBEAT] and not subscriber.heartbeat
    assert rechecking.heartbeat, "its own task writes it (and checks the token)"
    assert all(not s.heartbeat for s, _w in subscribers[1:])
    for turn in range(1, HEARTBEAT_TURNS):
        hub.beat(turn)
    assert all(w.writes == [HEARTBEAT] for s, w in subscribers if s is not rechecking)
