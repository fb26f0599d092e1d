"""The hub on its own: ids, fan-out, bounded queues, resume from the buffer."""

import threading

from live.hub import Hub


def emit(hub: Hub, n: int, stream: str = "hashtag:auslibchat") -> None:
    for i in range(n):
        hub.emit([stream], "update", f'{{"n":{i}}}')


async def test_every_subscriber_gets_the_same_bytes_in_id_order():
    hub = Hub()
    first, second = hub.open(), hub.open()
    for sub in (first, second):
        hub.add(sub, ("hashtag", "auslibchat"), ["hashtag:auslibchat"])
    emit(hub, 3)
    a, b = await first.next(), await second.next()
    assert [e.id for e, _ in a] == sorted(e.id for e, _ in a)
    assert len({e.id for e, _ in a}) == 3
    assert all(x.sse() is y.sse() for (x, _), (y, _) in zip(a, b, strict=True))


async def test_a_slow_subscriber_does_not_delay_a_fast_one():
    hub = Hub(queue_limit=5)
    fast, slow = hub.open(), hub.open()
    hub.add(fast, ("public",), ["public"])
    hub.add(slow, ("public",), ["public"])
    got = []
    for _round in range(4):
        emit(hub, 3, "public")
        # The fast one reads every round; the slow one never reads.
        got += await fast.next()
    assert len(got) == 12
    assert slow.closed and slow.dropped
    assert not fast.closed
    assert hub.subscriber_count == 1


async def test_events_published_from_another_thread_reach_the_loop():
    hub = Hub()
    sub = hub.open()
    hub.add(sub, ("public",), ["public"])
    thread = threading.Thread(target=emit, args=(hub, 2, "public"))
    thread.start()
    thread.join()
    batch = []
    while len(batch) < 2:
        batch += await sub.next()
    assert [e.data for e, _ in batch] == ['{"n":0}', '{"n":1}']


async def test_a_resume_gets_exactly_what_was_missed():
    hub = Hub()
    hub.attach()
    emit(hub, 5)
    emit(hub, 2, "hashtag:other")
    await hub.drained()
    ids = [e.id for e in hub.replay(["hashtag:auslibchat"], hub.history.floor)]
    assert len(ids) == 5
    assert [e.id for e in hub.replay(["hashtag:auslibchat"], ids[1])] == ids[2:]
    assert hub.replay(["hashtag:auslibchat"], ids[-1]) == []


async def test_a_resume_from_before_the_buffer_asks_for_a_refetch():
    hub = Hub(buffer_events=3)
    hub.attach()
    emit(hub, 5)
    await hub.drained()
    kept = hub.replay(["hashtag:auslibchat"], hub.history.floor + 2)
    assert kept is not None and len(kept) == 3
    assert hub.replay(["hashtag:auslibchat"], hub.history.floor + 1) is None
    assert hub.replay(["hashtag:auslibchat"], hub.history.floor - 10) is None


async def test_a_subscriber_hears_only_its_streams_and_what_it_accepts():
    hub = Hub()
    sub = hub.open()
    hub.add(sub, ("public",), ["public"], lambda e: not e.is_repost)
    hub.emit(["hashtag:x"], "update", "{}")
    hub.emit(["public"], "update", "{}", is_repost=True)
    hub.emit(["public", "hashtag:x"], "update", '{"ok":1}')
    batch = await sub.next()
    assert [e.data for e, _ in batch] == ['{"ok":1}']
    hub.remove(sub, ("public",))
    hub.emit(["public"], "update", "{}")
    await hub.drained()
    assert sub.pending == type(sub.pending)()
