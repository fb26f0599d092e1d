"""live names no app: what streams exist, how events look on the wire and who a
token stands for are registered by the apps above (mastodon_api, chats)."""

import pytest

from live import payloads, streaming, streams
from live.streams import StreamError


def test_the_apps_registered_the_mastodon_streams_and_the_room_path():
    assert {"public", "hashtag", "user", "user:notification"} <= streams.known_names()
    assert streaming.handles("/chats/auslibchat/events/12/room/stream")
    assert not streaming.handles("/chats/auslibchat/events/12/room/")
    with pytest.raises(StreamError) as refused:
        streams.resolve("nonsense", None, None)
    assert refused.value.message == "Unknown stream type"


def test_an_event_without_a_builder_goes_out_as_itself():
    name, data, author, is_repost = payloads.build(["event:1"], {"type": "chat.started", "n": 1})
    assert (name, data, author, is_repost) == (
        "chat.started",
        '{"type":"chat.started","n":1}',
        None,
        False,
    )


def test_a_registered_builder_gives_the_wire_form(monkeypatch):
    monkeypatch.setitem(payloads._builders, "test.event", None)  # restored afterwards
    payloads.on_event("test.event", lambda streams, event: ("shaped", "{}", "7", True))
    assert payloads.build(["public"], {"type": "test.event"}) == ("shaped", "{}", "7", True)
    assert payloads.build(["public"], {"type": "post.deleted", "post_id": "5"})[:2] == (
        "delete",
        "5",
    )
