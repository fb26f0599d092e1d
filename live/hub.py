"""The event hub: in-process by default.

This first version records what is published and hands it to in-process
listeners; the streaming layer builds on it.
"""

import threading
from collections.abc import Callable
from typing import Any

Listener = Callable[[list[str], dict[str, Any]], None]


class MemoryHub:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, streams: list[str], event: dict[str, Any]) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(streams, event)


_hub: MemoryHub | None = None


def get_hub() -> MemoryHub:
    global _hub
    if _hub is None:
        _hub = MemoryHub()
    return _hub
