"""The one way the rest of hashchat emits live events.

`publish_on_commit(stream, event)` queues `event` (a JSON-able dict with a
"type") for `stream` (e.g. "hashtag:auslibchat", "public", "user:123",
"event:456") and hands it to the hub only once the surrounding transaction has
committed, so no subscriber ever sees a write that was rolled back.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from live.envelope import CLOSE
from live.hub import get_hub


def publish_on_commit(streams: str | Iterable[str], event: dict[str, Any]) -> None:
    names = [streams] if isinstance(streams, str) else list(streams)
    if "type" not in event:
        raise ValueError("a live event needs a 'type'")

    def send() -> None:
        get_hub().publish(names, event)

    transaction.on_commit(send)


def close_streams_on_commit(streams: str | Iterable[str]) -> None:
    """End, after commit, every open connection subscribed to `streams` (in every
    process): e.g. accounts ends a suspended profile's streams. The clients
    reconnect, and are then asked again who they are."""
    publish_on_commit(streams, {"type": CLOSE})
