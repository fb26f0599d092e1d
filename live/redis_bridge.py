"""Redis pub/sub between web processes.

Publishing runs one Lua script: INCR the hub's counter and PUBLISH "<id> <event>"
on one channel, atomically, so ids reach every process in increasing order.
Each process listens on the channel from its event loop and delivers what it
hears to its own subscribers (its own events included: one path for all).

When the connection to Redis drops, events may have been missed: once back, the
hub raises its floor to the counter's value, so a resume from before the outage
is answered with a refetch, and tells every open stream to refetch at once.
"""

import asyncio
import logging
import threading
import time
from typing import TYPE_CHECKING

import redis
import redis.asyncio as aioredis

from core import metrics
from live.envelope import Envelope

if TYPE_CHECKING:
    from live.hub import Hub

log = logging.getLogger(__name__)

PUBLISH_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[2]) end
local id = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', KEYS[2], string.format('%d', id) .. ' ' .. ARGV[1])
return id
"""


class RedisBridge:
    def __init__(self, hub: "Hub", url: str, prefix: str) -> None:
        self.hub = hub
        self.url = url
        self.counter_key = f"{prefix}:seq"
        self.channel = f"{prefix}:events"
        self._client: redis.Redis | None = None
        self._script = None
        self._lock = threading.Lock()
        self.ready = asyncio.Event()

    def _sync(self):
        with self._lock:
            if self._client is None:
                self._client = redis.Redis.from_url(self.url, health_check_interval=30)
                self._script = self._client.register_script(PUBLISH_SCRIPT)
            return self._script

    def publish(self, envelope: Envelope) -> int:
        script = self._sync()
        start = time.time_ns() // 1000
        return int(script(keys=[self.counter_key, self.channel], args=[envelope.wire(), start]))

    def current(self) -> int:
        self._sync()
        assert self._client is not None
        return int(self._client.get(self.counter_key) or 0)

    async def listen(self) -> None:
        """Deliver every event on the channel, reconnecting after failures."""
        delay = 0.5
        while True:
            client = aioredis.Redis.from_url(self.url)
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                # Everything with a higher id is published after this point: we hear it.
                # A new counter starts at the clock (as publishing would start it), so
                # ids keep growing across a Redis restart and an old id is never "known".
                await client.set(self.counter_key, time.time_ns() // 1000, nx=True)
                floor = int(await client.get(self.counter_key) or 0)
                self.hub.lost_events(floor)
                self.ready.set()
                delay = 0.5
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    raw: bytes = message["data"]
                    head, _, body = raw.partition(b" ")
                    self.hub.dispatch(Envelope.from_wire(int(head), body))
            except asyncio.CancelledError:
                raise
            except Exception:
                metrics.record_error("redis")
                log.exception("lost the Redis live channel; reconnecting in %.1fs", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
            finally:
                try:
                    await pubsub.aclose()
                    await client.aclose()
                except Exception:
                    log.debug("closing the Redis channel failed", exc_info=True)
