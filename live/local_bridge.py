"""Live events from a worker process to the web process on the same machine, over a
Unix socket: the embedded default (no Redis) runs its worker as a process of its own
(`hashchat serve` on two cores or more), so that the worker's work (an incoming
activity stored as a post, a timed question) runs on the second core, and its live
events still reach the web process's subscribers.

The web process listens on a socket in a directory only its user may enter
(settings.LIVE_SOCKET); the worker connects. Each line from the worker is one event
in its wire form (Envelope.wire(), built once in the worker); the web process numbers
it and fans it out as one of its own. Each line from the web process is the name of a
job its requests nudged (an activity received, a delivery queued), so the worker runs
it at once rather than at its next turn.

Until it is connected (the web process is still starting), the worker keeps its
events, up to PENDING_LIMIT, and sends them on connecting.
"""

import asyncio
import contextlib
import logging
import os
import socket
import threading
import time
from collections import deque

from core import metrics, worker
from live.envelope import Envelope
from live.hub import Hub, get_hub

log = logging.getLogger(__name__)

PENDING_LIMIT = 10_000
# The longest event line read (a Status with a long remote post is tens of kilobytes).
LINE_LIMIT = 16 * 1024 * 1024
RECONNECT_SECONDS = 0.2


class WebEnd:
    """In the web process: listens for workers, fans out their events, sends nudges."""

    def __init__(self, hub: Hub, path: str) -> None:
        self.hub = hub
        self.path = path
        self.loop: asyncio.AbstractEventLoop | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.server: asyncio.AbstractServer | None = None
        self._remove_listener = worker.add_nudge_listener(self.nudge)

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        self.server = await asyncio.start_unix_server(self._serve, path=self.path, limit=LINE_LIMIT)
        os.chmod(self.path, 0o600)

    async def stop(self) -> None:
        self._remove_listener()
        if self.server is not None:
            self.server.close()
        for writer in list(self.writers):
            writer.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        # The directory `hashchat serve` made for the socket, once empty.
        with contextlib.suppress(OSError):
            os.rmdir(os.path.dirname(self.path))

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        try:
            while line := await reader.readline():
                try:
                    envelope = Envelope.from_wire(0, line)
                except (ValueError, KeyError, TypeError):
                    log.warning("a malformed live event from the worker: %r", line[:200])
                    continue
                self.hub.emit(
                    envelope.streams,
                    envelope.name,
                    envelope.data,
                    author_id=envelope.author_id,
                    is_repost=envelope.is_repost,
                )
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except ValueError:  # a line over LINE_LIMIT: the worker connects again
            log.error("a live event from the worker over %d bytes; reconnecting", LINE_LIMIT)
        finally:
            self.writers.discard(writer)
            writer.close()

    def nudge(self, path: str) -> None:
        """(Any thread.) Tell every connected worker to run the job `path` now."""
        loop = self.loop
        if loop is None or loop.is_closed() or "\n" in path:
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._send, path.encode() + b"\n")

    def _send(self, data: bytes) -> None:
        for writer in list(self.writers):
            if not writer.is_closing():
                writer.write(data)


class WorkerEnd:
    """In the worker process: the hub's bridge. `publish` sends an event to the web
    process; a thread keeps the connection and runs the jobs the web process nudges."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._pending: deque[bytes] = deque()
        self._stopped = threading.Event()
        self.connected = threading.Event()
        self.ready = asyncio.Event()  # (a web process's: never awaited here)
        self._thread = threading.Thread(target=self._keep, name="live-bridge", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        with self._lock:
            if self._sock is not None:
                with contextlib.suppress(OSError):
                    self._sock.shutdown(socket.SHUT_RDWR)

    def publish(self, envelope: Envelope) -> int:
        data = envelope.wire().encode() + b"\n"
        with self._lock:
            if self._sock is not None:
                try:
                    self._sock.sendall(data)
                    return 0
                except OSError:
                    log.warning("lost the web process's live socket; keeping events")
                    self._drop_socket()
            self._pending.append(data)
            if len(self._pending) > PENDING_LIMIT:
                self._pending.popleft()
                metrics.record_error("live")
                log.error("the web process is not listening: dropped the oldest live event")
        return 0

    def current(self) -> int:
        return 0  # events are numbered in the web process

    async def listen(self) -> None:  # the worker process runs no event loop of its own
        return None

    def _drop_socket(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
        self._sock = None
        self.connected.clear()

    def _keep(self) -> None:
        """Connect (again after a loss), send what waited, then read nudges."""
        while not self._stopped.is_set():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(self.path)
            except OSError:
                sock.close()
                time.sleep(RECONNECT_SECONDS)
                continue
            with self._lock:
                try:
                    while self._pending:
                        sock.sendall(self._pending[0])
                        self._pending.popleft()
                except OSError:
                    sock.close()
                    continue
                self._sock = sock
                self.connected.set()
            self._read_nudges(sock)
            with self._lock:
                if self._sock is sock:
                    self._drop_socket()

    def _read_nudges(self, sock: socket.socket) -> None:
        with contextlib.suppress(OSError), sock.makefile("rb") as lines:
            for line in lines:
                name = line.strip().decode(errors="replace")
                if name:
                    worker.wake(name)


def connect_worker(path: str) -> WorkerEnd:
    """In a worker process: send this process's live events to the web process at
    `path` from now on."""
    end = WorkerEnd(path)
    get_hub().bridge = end
    end.start()
    return end
