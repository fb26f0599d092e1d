"""Mastodon's WebSocket streaming: subscribe and unsubscribe on one connection."""

import json

from websockets.sync.client import connect

from tests.live.helpers import post_in_room


def ws_url(site, query: str = "") -> str:
    return site.url.replace("http://", "ws://") + "/api/v1/streaming" + query


def next_message(ws) -> dict:
    return json.loads(ws.recv(timeout=10))


def sync_point(ws) -> dict:
    """Every message sent before this one has been handled once its answer is back.
    (Updates read on the way are late ones about posts of earlier tests.)"""
    ws.send(json.dumps({"type": "no-such-type"}))
    while "status" not in (message := next_message(ws)):
        pass
    return message


def about(message: dict) -> str | None:
    """The post id an update is about (None for other messages)."""
    if message.get("event") != "update":
        return None
    return json.loads(message["payload"])["id"]


def updates_about(ws, post_id: str, count: int) -> list[dict]:
    """The next `count` updates about `post_id`, passing over late updates about posts
    of earlier tests on the same server (they may still be on their way)."""
    found: list[dict] = []
    while len(found) < count:
        message = next_message(ws)
        if about(message) == post_id:
            found.append(message)
    return found


def test_subscribe_and_unsubscribe(live_site):
    with connect(ws_url(live_site, "?stream=public")) as ws:
        ws.send(json.dumps({"type": "subscribe", "stream": "hashtag", "tag": "LiveTest"}))
        assert sync_point(ws) == {"error": "Unknown message type", "status": 400}
        first = post_in_room(live_site.pat, live_site.event_id, "Over the socket")
        got = updates_about(ws, first["id"], 2)
        assert sorted(m["stream"] for m in got) == [["hashtag", "livetest"], ["public"]]
        for message in got:
            assert message["event"] == "update"
            assert isinstance(message["payload"], str)

        ws.send(json.dumps({"type": "unsubscribe", "stream": "hashtag", "tag": "livetest"}))
        sync_point(ws)
        second = post_in_room(live_site.pat, live_site.event_id, "Only public now")
        (message,) = updates_about(ws, second["id"], 1)
        assert message["stream"] == ["public"]
        # Had the hashtag subscription survived, its copy of the second post would
        # come before the answer to this unknown message.
        ws.send(json.dumps({"type": "no-such-type"}))
        while "status" not in (message := next_message(ws)):
            assert about(message) != second["id"], "an update after unsubscribing"
        assert message["status"] == 400


def test_a_user_stream_without_a_token_is_an_error(live_site):
    with connect(ws_url(live_site)) as ws:
        ws.send(json.dumps({"type": "subscribe", "stream": "user"}))
        assert next_message(ws) == {"error": "Missing access token", "status": 401}
        ws.send(json.dumps({"type": "subscribe", "stream": "bogus"}))
        assert next_message(ws) == {"error": "Unknown stream type", "status": 400}
