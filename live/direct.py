"""Writing a Server-Sent-Events response's frames straight to its connection.

A stream's ASGI `send` costs a coroutine, a message dict and uvicorn's checks per
write, and the fan-out's queued way (live.subscriber) adds a task switch per
subscriber per event. With a thousand subscribers that is most of the fan-out's
time, so on uvicorn's httptools protocol (what `hashchat serve` runs) the hub
writes each frame to the connection's transport itself, framed exactly as
uvicorn's `send` would frame it (a chunk of the chunked transfer coding).

This looks at uvicorn's request cycle (the object behind `send`): its transport,
its flow control and whether the response is chunked. Under any other server, or
when anything there is not as expected, `sse_writer` returns None and the stream
uses `send` only, as before.

None of that is uvicorn's public API (which is ASGI `send` alone), so uvicorn is
pinned to one exact version in pyproject.toml. Two tests fail when what is
relied on here changes: tests/live/test_direct.py builds uvicorn's response cycle
and checks that a direct write is byte for byte what its `send` writes, and
tests/reliability/test_library_internals.py checks the attributes read here.
The `send`-only way was measured side by side with this one (bench/live_fanout.py,
docs/performance.md, "Public APIs"): read that, and those tests, before moving
the pin.
"""

import asyncio
import inspect
import logging
from typing import Any

log = logging.getLogger(__name__)

CYCLE_MODULE = "uvicorn.protocols.http.httptools_impl"


class ChunkedSSEWriter:
    """Writes chunks to a uvicorn (httptools) response that has started and is chunked."""

    __slots__ = ("cycle", "flow", "transport")

    kind = b"chunked"

    def __init__(self, cycle: Any, flow: Any, transport: asyncio.WriteTransport) -> None:
        self.cycle = cycle
        self.flow = flow
        self.transport = transport

    def ready(self) -> bool:
        # Paused writing means the client reads slowly: that subscriber takes the
        # queued way, where its own task waits for it (and nobody else does).
        return not (
            self.flow.write_paused
            or self.cycle.disconnected
            or self.cycle.response_complete
            or self.transport.is_closing()
        )

    def frame(self, sse: bytes) -> bytes:
        # The same bytes as uvicorn's `send` writes for a body part with more to come.
        return b"%x\r\n%b\r\n" % (len(sse), sse)

    def write(self, data: bytes) -> bool:
        try:
            self.transport.write(data)
        except (OSError, RuntimeError):
            log.debug("a direct write to a stream failed", exc_info=True)
            return False
        return True


def sse_writer(scope: dict[str, Any] | Any, send: Any) -> ChunkedSSEWriter | None:
    """A direct writer for the response `send` belongs to, once its headers and first
    body part are sent; None where this server's internals are not the expected ones."""
    # Past wrappers that pass body parts through unchanged and say so with
    # `__wrapped__` (core.requestlog's, which adds the request id to the headers).
    cycle = getattr(inspect.unwrap(send), "__self__", None)
    if cycle is None or type(cycle).__module__ != CYCLE_MODULE:
        return None
    if scope.get("method") != "GET":
        return None
    flow = getattr(cycle, "flow", None)
    transport = getattr(cycle, "transport", None)
    if (
        flow is None
        or transport is None
        or not isinstance(getattr(flow, "write_paused", None), bool)
        or getattr(cycle, "chunked_encoding", None) is not True
        or getattr(cycle, "response_started", None) is not True
        or getattr(cycle, "response_complete", None) is not False
        or not isinstance(getattr(cycle, "disconnected", None), bool)
    ):
        return None
    return ChunkedSSEWriter(cycle, flow, transport)
