"""Domain events ({"type": "post.created", "post_id": ...}) turned into what streams
carry, once, in the publishing process before fan-out.

live knows no app: the apps above it register a builder per event type in their
`AppConfig.ready()` (mastodon_api turns post and notification events into
Mastodon's `update`, `status.update`, `delete`, `notification` ...):

    payloads.on_event("post.created", build_update)

A builder takes (streams, event) and returns (name, data, author id, is repost),
or None when there is nothing to send (the post is already gone again). An event
type without a builder goes out under its type as the name, with the event itself
as the data (chat.question, chat.started, chat.ended, chat.post_hidden ...).
"""

import json
from collections.abc import Callable
from typing import Any

Payload = tuple[str, str, str | None, bool]  # name, data, author id, is repost
Builder = Callable[[list[str], dict[str, Any]], Payload | None]

_builders: dict[str, Builder] = {}


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def on_event(kind: str, builder: Builder) -> None:
    """Build the wire form of events of type `kind` with `builder` (one per type)."""
    _builders[kind] = builder


def build(streams: list[str], event: dict[str, Any]) -> Payload | None:
    """The wire form of a domain event, or None when there is nothing to send."""
    kind = event["type"]
    builder = _builders.get(kind)
    if builder is not None:
        return builder(streams, event)
    return kind, dumps(event), None, False
