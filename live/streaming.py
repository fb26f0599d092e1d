"""The streaming ASGI app, mounted past Django (hashchat/asgi.py).

    GET /api/v1/streaming/health                      "OK"
    GET /api/v1/streaming/{public,public/local,hashtag,hashtag/local,user,user/notification}
                                                      Server-Sent Events
    GET /api/v1/streaming?stream=...                  the same, by query parameter
    WS  /api/v1/streaming                             subscribe/unsubscribe messages
    GET <a path an app registered>                    e.g. the chat room's events (SSE)

Which stream names and paths exist, and who a token stands for, the apps above
register with live.streams (live knows no app).

A connection costs one subscriber queue and two small tasks (the writer and the
disconnect watcher); frames are the envelopes' cached bytes. On uvicorn, the hub
writes an SSE connection's events to its transport itself while the connection
keeps up (live.direct); its task then only wakes for heartbeats, a client that
fell behind, and the end.
"""

import asyncio
import json
import logging
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import parse_qs

from starlette.websockets import WebSocket, WebSocketDisconnect

from core.hashtags import tag_key
from live import database, streams
from live.direct import sse_writer
from live.envelope import HEARTBEAT, control_sse
from live.hub import Hub, Subscriber, get_hub
from live.streams import Resolved, StreamError, Viewer, resolve, viewer_for_token

log = logging.getLogger(__name__)

PREFIX = "/api/v1/streaming"


def handles(path: str) -> bool:
    """Whether a request path belongs to this app rather than to Django."""
    if path == PREFIX or path.startswith(PREFIX + "/"):
        return True
    return streams.match_path(path) is not None


SSE_HEADERS = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"private, no-store"),
    (b"x-accel-buffering", b"no"),
    (b"access-control-allow-origin", b"*"),
]

Scope = MutableMapping[str, Any]


def query(scope: Scope) -> dict[str, str]:
    raw = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    return {key: values[-1] for key, values in raw.items()}


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def bearer(scope: Scope, params: dict[str, str]) -> str | None:
    auth = header(scope, b"authorization")
    if auth:
        kind, _, value = auth.partition(" ")
        if kind.lower() == "bearer" and value.strip():
            return value.strip()
    return params.get("access_token") or None


def last_event_id(scope: Scope, params: dict[str, str]) -> int | None:
    value = header(scope, b"last-event-id") or params.get("last_event_id")
    try:
        return int(value) if value else None
    except ValueError:
        return None


async def answer(send, status: int, body: dict[str, Any] | str) -> None:
    if isinstance(body, str):
        payload, kind = body.encode(), b"text/plain; charset=utf-8"
    else:
        payload, kind = json.dumps(body).encode(), b"application/json"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", kind), (b"access-control-allow-origin", b"*")],
        }
    )
    await send({"type": "http.response.body", "body": payload})


async def watch_disconnect(receive, hub: Hub, subscriber: Subscriber) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            hub.close(subscriber)
            return


def never(envelope) -> bool:
    return False


def watch_access(hub: Hub, subscriber: Subscriber, viewer: Viewer | None) -> None:
    """A connection opened with a token ends when its profile's access stream gets
    a CLOSE event (live.streams.access_stream): a suspension, in every process."""
    if viewer is not None and viewer.profile_id is not None:
        hub.add(subscriber, ("access",), {streams.access_stream(viewer.profile_id)}, never)


async def access_lost(subscriber: Subscriber, viewer: Viewer | None) -> bool:
    """At a heartbeat (or after lost events), ask again whether the token is still
    good: a revoked token, a suspended profile or a lost membership ends the stream."""
    if viewer is None or viewer.token is None:
        return False
    if not (subscriber.heartbeat or subscriber.refetch):
        return False
    try:
        return not await database.run(streams.still_valid, viewer)
    except Exception:
        log.warning("could not re-check a stream's token; trying at the next heartbeat")
        return False


async def stream_sse(
    scope: Scope,
    receive,
    send,
    wanted: list[Resolved],
    resume: int | None,
    viewer: Viewer | None = None,
):
    """Serve events for `wanted` until the client goes away, falls too far behind,
    or (opened with a token) loses its access."""
    hub = get_hub()
    subscriber = hub.open()
    subscriber.rechecks = viewer is not None and viewer.token is not None
    for item in wanted:
        hub.add(subscriber, item.label, item.streams, item.accept)
    watch_access(hub, subscriber, viewer)
    first = [b":)\n"]
    if resume is not None:
        missed = hub.replay(set().union(*(w.streams for w in wanted)), resume)
        if missed is None:
            first.append(control_sse("refetch", {"reason": "gap"}))
        else:
            for envelope in missed:
                if any(
                    not w.streams.isdisjoint(envelope.streams) and w.accept(envelope)
                    for w in wanted
                ):
                    first.append(envelope.sse())
    await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
    watcher = asyncio.ensure_future(watch_disconnect(receive, hub, subscriber))
    try:
        await send({"type": "http.response.body", "body": b"".join(first), "more_body": True})
        if not subscriber.closed:
            # From here on the hub may write events itself (live.direct); this task
            # writes what was queued, heartbeats and the last words.
            subscriber.writer = sse_writer(scope, send)
        while True:
            batch = await subscriber.next()
            subscriber.busy = True
            if await access_lost(subscriber, viewer):
                hub.close(subscriber)
            if subscriber.closed:
                if subscriber.dropped:
                    frame = control_sse("dropped", {"reason": "too far behind"})
                    await send({"type": "http.response.body", "body": frame, "more_body": True})
                break
            parts = [envelope.sse() for envelope, _labels in batch]
            if subscriber.refetch:
                subscriber.refetch = False
                parts.append(control_sse("refetch", {"reason": "gap"}))
            if subscriber.heartbeat:
                subscriber.heartbeat = False
                if not parts:
                    parts.append(HEARTBEAT)
            await send({"type": "http.response.body", "body": b"".join(parts), "more_body": True})
            subscriber.busy = False
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    except OSError:
        log.debug("a stream's client went away", exc_info=True)
    finally:
        hub.close(subscriber)
        watcher.cancel()


async def resolve_async(
    name: str, tag: str | None, token: str | None
) -> tuple[Resolved, Viewer | None]:
    def work() -> tuple[Resolved, Viewer | None]:
        viewer = viewer_for_token(token)
        return resolve(name, tag, viewer), viewer

    return await database.run(work)


async def mastodon_sse(scope: Scope, receive, send, name: str) -> None:
    params = query(scope)
    try:
        wanted, viewer = await resolve_async(name, params.get("tag"), bearer(scope, params))
    except StreamError as e:
        await answer(send, e.status, {"error": e.message})
        return
    await stream_sse(scope, receive, send, [wanted], last_event_id(scope, params), viewer)


async def path_sse(scope: Scope, receive, send, resolver, match) -> None:
    wanted = await database.run(resolver, match)
    if wanted is None:
        await answer(send, 404, {"error": "No such stream."})
        return
    await stream_sse(scope, receive, send, wanted, last_event_id(scope, query(scope)))


SSE_PATHS = {
    "/public": "public",
    "/public/local": "public:local",
    "/public/remote": "public:remote",
    "/hashtag": "hashtag",
    "/hashtag/local": "hashtag:local",
    "/user": "user",
    "/user/notification": "user:notification",
}


async def app(scope: Scope, receive, send) -> None:
    """The ASGI app for /api/v1/streaming... and the room streams."""
    path = scope["path"]
    if scope["type"] == "websocket":
        await websocket_session(WebSocket(scope, receive, send))
        return
    if scope["type"] != "http":
        return
    if scope["method"] not in ("GET", "HEAD"):
        await answer(send, 405, {"error": "Streams are read with GET."})
        return
    registered = streams.match_path(path)
    if registered is not None:
        await path_sse(scope, receive, send, *registered)
        return
    rest = path[len(PREFIX) :].rstrip("/")
    if rest == "/health":
        await answer(send, 200, "OK")
        return
    name = query(scope).get("stream", "") if rest == "" else SSE_PATHS.get(rest, "")
    if not name:
        await answer(send, 404, {"error": "Unknown stream type"})
        return
    await mastodon_sse(scope, receive, send, name)


async def websocket_session(ws: WebSocket) -> None:
    """Mastodon's multiplexed WebSocket: {"type": "subscribe", "stream": "hashtag",
    "tag": "x"} in; {"stream": [...], "event": "update", "payload": "<json>"} out."""
    params = dict(ws.query_params)
    token = bearer(ws.scope, params)
    protocol = header(ws.scope, b"sec-websocket-protocol")
    if not token and protocol:
        token = protocol.split(",")[0].strip()
    try:
        viewer = await database.run(viewer_for_token, token)
    except StreamError:
        await ws.close(code=4001)
        return
    await ws.accept(subprotocol=protocol.split(",")[0].strip() if protocol else None)
    hub = get_hub()
    subscriber = hub.open()
    watch_access(hub, subscriber, viewer)

    async def subscribe(name: str, tag: str | None) -> None:
        try:
            wanted = await database.run(resolve, name, tag, viewer)
        except StreamError as e:
            await ws.send_text(json.dumps({"error": e.message, "status": e.status}))
            return
        if not subscriber.closed:
            hub.add(subscriber, wanted.label, wanted.streams, wanted.accept)

    async def reader() -> None:
        try:
            while True:
                text = await ws.receive_text()
                try:
                    message = json.loads(text)
                    kind, name = message.get("type"), message.get("stream", "")
                except (ValueError, AttributeError):
                    await ws.send_text(json.dumps({"error": "Bad message", "status": 400}))
                    continue
                tag = message.get("tag")
                if kind == "subscribe":
                    await subscribe(name, tag)
                elif kind == "unsubscribe":
                    label = (name, tag_key(tag)) if tag else (name,)
                    hub.remove(subscriber, label)
                else:
                    await ws.send_text(json.dumps({"error": "Unknown message type", "status": 400}))
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            hub.close(subscriber)

    if params.get("stream"):
        await subscribe(params["stream"], params.get("tag"))
    task = asyncio.ensure_future(reader())
    try:
        while True:
            batch = await subscriber.next()
            if await access_lost(subscriber, viewer):
                hub.close(subscriber)
            if subscriber.closed:
                if subscriber.dropped:
                    await ws.send_text(json.dumps({"event": "dropped", "payload": "{}"}))
                    await ws.close(code=1013)
                elif not task.done():
                    await ws.close(code=1008)  # its access ended (or the server stops)
                break
            subscriber.heartbeat = False
            for envelope, labels in batch:
                for label in labels:
                    await ws.send_text(envelope.ws(label))
            if subscriber.refetch:
                subscriber.refetch = False
                await ws.send_text(json.dumps({"event": "refetch", "payload": "{}"}))
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass
    finally:
        hub.close(subscriber)
        task.cancel()
