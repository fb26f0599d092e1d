"""Relays (the Mastodon/LitePub relay protocol): an admin subscribes this server to a
relay; the instance actor (/actor) sends a Follow of the relay's actor to its inbox,
the relay Accepts, then Announces the public posts it is sent. Of those, only posts
with the hashtag of a series here are stored (fetched from their own server), and
they join the chat through the usual linking; the rest is dropped unread.
Unsubscribing sends Undo Follow."""

import json
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Profile, User
from chats.models import Series
from core.errors import InvalidInput, NotAllowed, NotFound
from core.hashtags import tag_key
from federation import conf, http, ids, incoming, jsonld, keys, remote
from federation.jsonld import HostileObject
from federation.models import Delivery
from federation.notes import post_by_uri
from gathering.models import Relay

logger = logging.getLogger("gathering.relays")


def _check_admin(user: User | None) -> None:
    if user is None or not getattr(user, "is_staff", False):
        raise NotAllowed("Only an admin subscribes the server to relays.")


def _send(activity: dict[str, Any], inbox: str) -> None:
    """Queue `activity`, signed by the instance actor, for `inbox`."""
    key = keys.key_for(None)
    Delivery.objects.create(
        inbox=inbox,
        domain=inbox.split("/")[2].lower(),
        activity_id=activity["id"],
        body=json.dumps(activity, ensure_ascii=False),
        key_name=key.name,
        next_attempt_at=timezone.now(),
    )


def _follow(relay: Relay) -> dict[str, Any]:
    return {
        "@context": conf.CONTEXT,
        "id": relay.follow_id,
        "type": "Follow",
        "actor": ids.actor_id(None),
        "object": relay.actor_uri,
    }


def subscribe(*, user: User | None, actor_url: str) -> Relay:
    """Subscribe to the relay whose actor is at `actor_url` (e.g. https://relay.example/actor)."""
    _check_admin(user)
    if not conf.enabled():
        raise InvalidInput("Federation is off on this server.", field="actor_url")
    try:
        remote.check_domain(actor_url)
        data = http.fetch_json(actor_url)
        actor_id = jsonld.id_of(data, "relay actor")
        inbox = jsonld.id_of(data.get("inbox"), "inbox")
    except (http.FetchError, HostileObject, remote.Blocked) as e:
        raise InvalidInput(f"No relay answers at {actor_url}: {e}", field="actor_url")
    if not jsonld.same_origin(actor_id, actor_url) or not jsonld.same_origin(inbox, actor_id):
        raise InvalidInput("The relay's actor names another server.", field="actor_url")
    stamp = int(timezone.now().timestamp() * 1000)
    with transaction.atomic():
        relay, _ = Relay.objects.update_or_create(
            actor_uri=actor_id,
            defaults={
                "inbox_url": inbox,
                "follow_id": f"{ids.actor_id(None)}#relay-follow/{stamp}",
                "state": Relay.State.PENDING,
            },
        )
        _send(_follow(relay), inbox)
    return relay


def unsubscribe(*, user: User | None, relay: Relay) -> None:
    _check_admin(user)
    with transaction.atomic():
        undo = {
            "@context": conf.CONTEXT,
            "id": f"{relay.follow_id}#undo",
            "type": "Undo",
            "actor": ids.actor_id(None),
            "object": {k: v for k, v in _follow(relay).items() if k != "@context"},
        }
        _send(undo, relay.inbox_url)
        if not Relay.objects.filter(pk=relay.pk).delete()[0]:
            raise NotFound("No such relay.")


def accepted_inboxes() -> list[str]:
    """outgoing.PUBLIC_INBOXES: the inboxes of the relays that accepted this server, which
    this server's public posts go to (the relay Announces them to its other subscribers)."""
    return list(
        Relay.objects.filter(state=Relay.State.ACCEPTED).values_list("inbox_url", flat=True)
    )


def _hashtags(note: dict) -> set[str]:
    tags = note.get("tag") or []
    if isinstance(tags, dict):
        tags = [tags]
    names = set()
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, dict) and tag.get("type") == "Hashtag":
            names.add(tag_key(str(tag.get("name", ""))))
    return names


def _chat_tags(names: set[str]) -> bool:
    if not names:
        return False
    return Series.objects.filter(hashtag_key__in=names).exists()


def take_relayed(activity: dict, actor: Profile, kinds: set[str]) -> str | None:
    """incoming.FIRST_HANDLERS: what a subscribed relay sends (None: not a relay)."""
    relay = Relay.objects.filter(actor_uri=actor.uri).first()
    if relay is None:
        return None
    if "Accept" in kinds or "Reject" in kinds:
        state = Relay.State.ACCEPTED if "Accept" in kinds else Relay.State.REJECTED
        Relay.objects.filter(pk=relay.pk).update(state=state)
        return f"relay {relay.actor_uri} {state}"
    if "Announce" not in kinds and "Create" not in kinds:
        return f"ignored a {sorted(kinds)} from a relay"
    obj = activity.get("object")
    uri = jsonld.id_of(obj, "object")
    if post_by_uri(uri) is not None:
        return "relayed post already here"
    try:
        # What a relay says is not its authors' word: the note comes from its own server.
        note = incoming.fetch_object(uri)
    except (http.FetchError, HostileObject, remote.Blocked) as e:
        return f"relayed post not fetched: {e}"
    if not _chat_tags(_hashtags(note)):
        return "relayed post without a chat's hashtag"
    post = incoming.fetch_note(uri)
    if post is None:
        return "relayed post not stored"
    Relay.objects.filter(pk=relay.pk).update(posts_in=relay.posts_in + 1)
    return f"stored the relayed {post.uri}"
