"""The Mastodon streaming protocol over Server-Sent Events, against a real server."""

import json
import re

import httpx

from tests.live.helpers import SSEReader, hide_in_room, post_in_room, reply_in_room, token_for
from tests.metrics import figure_in

FRAME = re.compile(rb"id: (\d+)\nevent: ([a-z.]+)\ndata: ([^\n]*)\n\n")


def stream(site, path: str, **kwargs):
    return httpx.stream("GET", site.url + path, timeout=10, **kwargs)


def test_the_health_check_answers_ok(live_site):
    response = httpx.get(live_site.url + "/api/v1/streaming/health")
    assert response.status_code == 200
    assert response.text == "OK"


def test_the_sse_framing_is_byte_exact(live_site):
    with stream(live_site, "/api/v1/streaming/hashtag?tag=LiveTest") as response:
        assert response.headers["content-type"] == "text/event-stream"
        reader = SSEReader(response)
        item = post_in_room(live_site.pat, live_site.event_id, "Framing check")
        hide_in_room(live_site.hana, live_site.event_id, item["id"])
        reader.events(2)
    raw = reader.raw[: reader.parsed]
    assert b"\r" not in raw
    assert raw.startswith(b":)\n")
    frames = FRAME.findall(raw[3:])
    assert b"".join(b"id: %s\nevent: %s\ndata: %s\n\n" % frame for frame in frames) == raw[3:], (
        "nothing but whole frames"
    )
    (first_id, update, status), (second_id, delete, deleted) = frames
    assert update == b"update" and delete == b"delete"
    assert int(second_id) > int(first_id)
    entity = json.loads(status)
    assert entity["id"] == item["id"] and "Framing check" in entity["content"]
    assert deleted == item["id"].encode()


def test_a_reconnect_with_last_event_id_resumes_without_a_gap(live_site):
    with stream(live_site, "/api/v1/streaming/hashtag?tag=livetest") as response:
        reader = SSEReader(response)
        first = post_in_room(live_site.pat, live_site.event_id, "Before the drop")
        (seen,) = reader.events(1)
    assert json.loads(seen["data"])["id"] == first["id"]
    # Posted while the client was away.
    missed = [post_in_room(live_site.pat, live_site.event_id, f"Missed {n}") for n in range(3)]
    headers = {"Last-Event-ID": seen["id"]}
    with stream(live_site, "/api/v1/streaming/hashtag?tag=livetest", headers=headers) as response:
        reader = SSEReader(response)
        replayed = reader.events(3)
        after = post_in_room(live_site.pat, live_site.event_id, "After the return")
        (live,) = reader.events(1)
    got = [json.loads(e["data"])["id"] for e in [*replayed, live]]
    assert got == [m["id"] for m in missed] + [after["id"]]
    ids = [int(e["id"]) for e in [seen, *replayed, live]]
    assert ids == sorted(ids) and len(set(ids)) == 5


def test_a_resume_from_an_unknown_point_asks_for_a_refetch(live_site):
    headers = {"Last-Event-ID": "1"}
    with stream(live_site, "/api/v1/streaming/public", headers=headers) as response:
        (event,) = SSEReader(response).events(1)
    assert event["event"] == "refetch" and "id" not in event


def test_the_room_stream_carries_chat_events(live_site):
    path = f"/chats/livetest/events/{live_site.event_id}/room/stream"
    with stream(live_site, path) as response:
        reader = SSEReader(response)
        item = post_in_room(live_site.pat, live_site.event_id, "A1 In the room")
        hide_in_room(live_site.hana, live_site.event_id, item["id"])
        wanted = {"update", "chat.post", "chat.post_hidden", "delete"}
        # The room's stream also carries counts and late events of earlier tests on
        # this shared server: keep the events about this post.
        events: list[dict] = []
        for _ in range(40):
            (event,) = reader.events(1)
            if item["id"] in event.get("data", ""):
                events.append(event)
            if {e["event"] for e in events} >= wanted:
                break
    # (A "counts" event may come too: the series' own account boosts the post.)
    assert {e["event"] for e in events} - {"counts"} == wanted
    linked = json.loads(next(e["data"] for e in events if e["event"] == "chat.post"))
    assert linked["status"]["id"] == item["id"]


def test_the_user_stream_needs_a_token(live_site):
    for path in ("/api/v1/streaming/user", "/api/v1/streaming/user/notification"):
        response = httpx.get(live_site.url + path)
        assert response.status_code == 401
        assert "error" in response.json()
    bad = httpx.get(live_site.url + "/api/v1/streaming/user?access_token=nope")
    assert bad.status_code == 401


def test_an_unknown_stream_or_a_missing_tag_is_refused(live_site):
    assert httpx.get(live_site.url + "/api/v1/streaming/nothing").status_code == 404
    assert httpx.get(live_site.url + "/api/v1/streaming/hashtag").status_code == 400
    response = httpx.get(live_site.url + "/chats/livetest/events/1/room/stream")
    assert response.status_code == 404


def test_the_notification_stream_tells_of_a_reply(live_site):
    token = token_for(live_site.server, "pat")
    mine = post_in_room(live_site.pat, live_site.event_id, "Anyone there?")
    path = "/api/v1/streaming/user/notification"
    with stream(live_site, path, headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.status_code == 200
        reader = SSEReader(response)
        reply = reply_in_room(live_site.hana, live_site.event_id, mine["id"], "Yes!")
        (event,) = reader.events(1)
    assert event["event"] == "notification"
    note = json.loads(event["data"])
    assert note["type"] in ("mention", "reply")
    assert note["status"]["id"] == reply["id"]


def served_figure(site, name: str) -> float:
    """A figure from the server's own /metrics (loopback is allowed to read it)."""
    return figure_in(httpx.get(site.url + "/metrics").text, name)


def test_the_server_writes_a_keeping_up_stream_directly(live_site):
    """Through the whole request stack `hashchat serve` runs (the request log's
    wrapper of `send` included), the fan-out writes a stream that keeps up itself."""
    figure = "hashchat_stream_events_written_directly_total"
    before = served_figure(live_site, figure)
    with stream(live_site, "/api/v1/streaming/hashtag?tag=livetest") as response:
        reader = SSEReader(response)
        reader.raw += next(reader.chunks)  # the opening comment: the stream is open
        item = post_in_room(live_site.pat, live_site.event_id, "Straight to the socket")
        (seen,) = reader.events(1)
    assert json.loads(seen["data"])["id"] == item["id"]
    assert served_figure(live_site, figure) >= before + 1
