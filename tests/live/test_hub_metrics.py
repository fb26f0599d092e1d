"""The hub's figures: open streams, events handed out, subscribers dropped."""

from live.hub import Hub
from tests.metrics import sample


def figure(name: str) -> float:
    return sample(name, scrape_time=False)


async def test_stream_subscribers_deliveries_and_drops():
    open_before = figure("hashchat_stream_subscribers")
    delivered = figure("hashchat_stream_events_delivered_total")
    dropped = figure("hashchat_stream_subscribers_dropped_total")
    hub = Hub(queue_limit=2)
    fast, slow = hub.open(), hub.open()
    hub.add(fast, ("public",), ["public"])
    hub.add(slow, ("public",), ["public"])
    assert figure("hashchat_stream_subscribers") == open_before + 2
    hub.emit(["public"], "update", "{}")
    hub.emit(["public"], "update", "{}")
    assert len(await fast.next()) == 2
    hub.emit(["public"], "update", "{}")  # the slow one would be 3 behind: dropped
    await hub.drained()  # the pass that fans the event out (after any rest)
    assert slow.closed and slow.dropped
    assert figure("hashchat_stream_subscribers_dropped_total") == dropped + 1
    assert figure("hashchat_stream_events_delivered_total") == delivered + 5
    assert figure("hashchat_stream_subscribers") == open_before + 1
    hub.close(fast)
    hub.close(fast)  # closing twice counts once
    assert figure("hashchat_stream_subscribers") == open_before
