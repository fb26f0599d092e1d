"""The live hub's figures for /metrics (core.metrics)."""

from core import metrics

SUBSCRIBERS = metrics.gauge("stream_subscribers", "Open live streams (SSE and WebSocket).")
DELIVERED = metrics.counter(
    "stream_events_delivered", "Live events written to, or queued for, their subscribers."
)
WRITTEN_DIRECTLY = metrics.counter(
    "stream_events_written_directly",
    "Live events the fan-out wrote to their connections itself (live.direct), "
    "without waking the connection's task.",
)
DROPPED = metrics.counter(
    "stream_subscribers_dropped", "Live subscribers dropped for falling too far behind."
)
