"""Domain events turned into Mastodon's streaming events, once per event in the
publishing process (registered with live.payloads in mastodon_api.apps):

post.created  -> `update` with the viewer-neutral Status JSON
post.updated  -> `status.update` with the Status JSON
post.deleted  -> `delete` with the bare id
notification.created -> `notification` with the Notification JSON
chat.post     -> `chat.post` with {"status": Status, "question": n or null}
post.counts   -> `counts` with {"id", "likes", "reposts", "replies"}
"""

import time
from collections import OrderedDict
from typing import Any

from django.conf import settings

from chats.models import ChatPost
from live import payloads
from live.payloads import Payload, dumps
from mastodon_api.entities import notification_entity, status_entity
from posts import status_rows
from posts.models import Notification, Post


def status_json(post: Post) -> dict[str, Any]:
    return status_entity(post, base_url=settings.BASE_URL)


def load_post(post_id: Any) -> Post | None:
    """The post as a Status needs it, in one plain query (posts.status_rows): the ORM's
    queryset took 5 ms to compile for a query the database answers in 0.2 ms, on every
    post of a live chat."""
    found = status_rows.read(["p.id = %s"], [int(post_id)], viewer=None)
    return found[0] if found else None


def is_shown(post: Post) -> bool:
    target = post.repost_of if post.repost_of_id else post
    return (
        post.deleted_at is None
        and post.hidden_at is None
        and not post.author.is_suspended
        and target is not None
        and target.deleted_at is None
        and target.hidden_at is None
    )


def question_number(post_id: int, event_id: int | None) -> int | None:
    rows = ChatPost.objects.filter(post_id=post_id)
    if event_id is not None:
        rows = rows.filter(event_id=event_id)
    row = rows.select_related("question").first()
    if row is None or row.question is None:
        return None
    return row.question.number


def event_id_of(streams: list[str]) -> int | None:
    for name in streams:
        if name.startswith("event:"):
            return int(name.split(":", 1)[1])
    return None


# The Status JSON of posts published a moment ago: a new post in a chat is sent as
# `update` and as `chat.post`, and is built once for both. Only the publisher
# thread (live.hub) touches it.
RECENT_SECONDS = 2.0
_recent: OrderedDict[int, tuple[float, str, str, bool]] = OrderedDict()


def status_payload(post_id: int) -> tuple[str, str, bool] | None:
    """(Status JSON, author id, is repost) of a post that may be shown, or None."""
    now = time.monotonic()
    hit = _recent.get(post_id)
    if hit is not None and now - hit[0] < RECENT_SECONDS:
        return hit[1], hit[2], hit[3]
    post = load_post(post_id)
    if post is None or not is_shown(post):
        _recent.pop(post_id, None)
        return None
    found = (now, dumps(status_json(post)), str(post.author_id), post.is_repost)
    _recent[post_id] = found
    while len(_recent) > 256:
        _recent.popitem(last=False)
    return found[1], found[2], found[3]


def update(streams: list[str], event: dict[str, Any]) -> Payload | None:
    found = status_payload(int(event["post_id"]))
    if found is None:
        return None
    status, author, is_repost = found
    return "update", status, author, is_repost


def status_update(streams: list[str], event: dict[str, Any]) -> Payload | None:
    _recent.pop(int(event["post_id"]), None)
    found = status_payload(int(event["post_id"]))
    if found is None:
        return None
    status, author, is_repost = found
    return "status.update", status, author, is_repost


def chat_post(streams: list[str], event: dict[str, Any]) -> Payload | None:
    found = status_payload(int(event["post_id"]))
    if found is None:
        return None
    status, author, is_repost = found
    number = event.get("question")
    if number is None and "question" not in event:
        number = question_number(int(event["post_id"]), event_id_of(streams))
    data = f'{{"status":{status},"question":{dumps(number)}}}'
    return "chat.post", data, author, is_repost


def delete(streams: list[str], event: dict[str, Any]) -> Payload | None:
    _recent.pop(int(event["post_id"]), None)
    return "delete", str(event["post_id"]), None, False


def counts(streams: list[str], event: dict[str, Any]) -> Payload | None:
    found = {
        "id": str(event["post_id"]),
        "likes": event.get("like_count", 0),
        "reposts": event.get("repost_count", 0),
        "replies": event.get("reply_count", 0),
    }
    return "counts", dumps(found), None, False


def notification(streams: list[str], event: dict[str, Any]) -> Payload | None:
    note = (
        Notification.objects.select_related("recipient", "actor", "post__author")
        .filter(pk=int(event["notification_id"]))
        .first()
    )
    if note is None:
        return None
    actor = str(note.actor_id) if note.actor_id else None
    return "notification", dumps(notification_entity(note, note.recipient)), actor, False


def register() -> None:
    payloads.on_event("post.created", update)
    payloads.on_event("post.updated", status_update)
    payloads.on_event("chat.post", chat_post)
    payloads.on_event("post.deleted", delete)
    payloads.on_event("post.counts", counts)
    payloads.on_event("notification.created", notification)
