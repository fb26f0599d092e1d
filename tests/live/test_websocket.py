"""Mastodon's WebSocket streaming: subscribe and unsubscribe on one connection."""

import json

from websockets.sync.client import connect

from tests.live.helpers import post_in_room


def ws_url(site, query: str = "") -> str:
    return site.url.replace("http://", "ws://") + "/api/v1/streaming" + query


def next_message(ws) -> dict:
    return json.loads(ws.recv(timeout=10))


def sync_point(ws) -> dict:
    """Every message sent before this one has been handled once its answer is back."""
    ws.send(json.dumps({"type": "no-such-type"}))
    return next_message(ws)


def test_subscribe_and_unsubscribe(live_site):
    with connect(ws_url(live_site, "?stream=public")) as ws:
        ws.send(json.dumps({"type": "subscribe", "stream": "hashtag", "tag": "LiveTest"}))
        assert sync_point(ws) == {"error": "Unknown message type", "status": 400}
        first = post_in_room(live_site.pat, live_site.event_id, "Over the socket")
        got = [next_message(ws), next_message(ws)]
        assert sorted(m["stream"] for m in got) == [["hashtag", "livetest"], ["public"]]
        for message in got:
            assert message["event"] == "update"
            assert isinstance(message["payload"], str)
            assert json.loads(message["payload"])["id"] == first["id"]

        ws.send(json.dumps({"type": "unsubscribe", "stream": "hashtag", "tag": "livetest"}))
        sync_point(ws)
        second = post_in_room(live_site.pat, live_site.event_id, "Only public now")
        message = next_message(ws)
        assert message["stream"] == ["public"]
        assert json.loads(message["payload"])["id"] == second["id"]
        # Had the hashtag subscription survived, its copy would come next.
        assert sync_point(ws)["status"] == 400


def test_a_user_stream_without_a_token_is_an_error(live_site):
    with connect(ws_url(live_site)) as ws:
        ws.send(json.dumps({"type": "subscribe", "stream": "user"}))
        assert next_message(ws) == {"error": "Missing access token", "status": 401}
        ws.send(json.dumps({"type": "subscribe", "stream": "bogus"}))
        assert next_message(ws) == {"error": "Unknown stream type", "status": 400}
