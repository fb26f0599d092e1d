"""Processing a verified incoming activity: each becomes a call to the same action a
local user's click would make, with the remote profile as the actor (through a
RemoteActor, which may act as that profile only)."""

import logging
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError

from accounts import actions as account_actions
from accounts.models import Block, Follow, Profile
from accounts.permissions import RemoteActor
from accounts.remote import suspend_remote
from core.errors import ActionError
from federation import conf, http, jsonld, outgoing, remote
from federation.jsonld import HostileObject
from federation.models import FollowRequest
from federation.notes import NotStored, post_by_uri, profile_by_actor_id, read_note
from posts import actions as post_actions
from posts.models import Post

logger = logging.getLogger("federation.incoming")

# (activity, actor, kinds) -> what was done, or None to leave it to HANDLERS.
# Answers that say a remote object will never be there.
GONE = {404, 410}

FIRST_HANDLERS: list[Callable[[dict[str, Any], Profile, set[str]], str | None]] = []


def check(activity: dict[str, Any], actor: Profile) -> str:
    """The checks made in the inbox request, before the activity is stored: its id
    and its embedded object are `actor`'s own; HostileObject otherwise. Answers the
    activity's id (the deduplication key)."""
    activity_id = jsonld.id_of(activity, "activity")
    if not jsonld.same_origin(activity_id, actor.uri):
        raise HostileObject(f"{actor.uri} sent an activity with another domain's id")
    if jsonld.id_of(activity.get("actor"), "actor") != actor.uri:
        raise HostileObject(f"{actor.uri} signed an activity of another actor")
    kinds = jsonld.types(activity)
    obj = activity.get("object")
    if kinds & {"Create", "Update"} and isinstance(obj, dict) and obj.get("id") is not None:
        object_id = jsonld.id_of(obj)
        if not jsonld.same_origin(object_id, actor.uri):
            raise HostileObject(f"{actor.uri} sent an object of another domain ({object_id})")
        if jsonld.types(obj) & remote.ACTOR_TYPES and object_id != actor.uri:
            raise HostileObject(f"{actor.uri} tried to update another actor")
    return activity_id


def process(activity: dict[str, Any], actor: Profile) -> str:
    """Process `activity`, sent (and signed) by `actor`; answer what was done, for
    the log. Run by the worker (federation.inbox_queue), once per activity id."""
    kinds = jsonld.types(activity)
    # Activities other apps take first (gathering.relays: what a subscribed relay sends).
    for first in FIRST_HANDLERS:
        taken = first(activity, actor, kinds)
        if taken is not None:
            return taken
    for kind, handler in HANDLERS.items():
        if kind in kinds:
            return handler(activity, actor)
    return f"ignored a {sorted(kinds)}"


def _as(actor: Profile) -> Any:
    return RemoteActor(actor)


def _object(activity: dict) -> Any:
    value = activity.get("object")
    if value is None:
        raise HostileObject("the activity has no object")
    return value


def on_create(activity: dict, actor: Profile) -> str:
    note = _object(activity)
    if not isinstance(note, dict):
        # A bare link: fetch it from its own server.
        note = fetch_object(jsonld.id_of(note), actor)
    post = store_note(note, actor, depth=0)
    return f"stored {post.uri}" if post else "nothing stored"


def store_note(note: dict, actor: Profile, *, depth: int) -> Post | None:
    try:
        read = read_note(note, actor)
    except NotStored as e:
        logger.info("not stored: %s", e)
        return None
    existing = Post.objects.filter(uri=read.remote.uri).first()
    if existing is not None:
        return existing
    parent = None
    if read.in_reply_to:
        parent = post_by_uri(read.in_reply_to)
        if parent is None and depth < conf.limit("THREAD_DEPTH"):
            parent = fetch_note(read.in_reply_to, depth=depth + 1)
        if parent is not None and (parent.is_deleted or parent.hidden_at is not None):
            # Its server did not know: keep the reply, outside a thread that is gone here.
            parent = None
    try:
        return post_actions.create_post(
            user=_as(actor),
            profile=actor,
            text=read.text,
            in_reply_to=parent,
            visibility=read.visibility,
            remote=read.remote,
        )
    except IntegrityError:
        # The same note arrived twice at once.
        return Post.objects.filter(uri=read.remote.uri).first()


def fetch_object(uri: str, actor: Profile | None = None) -> dict:
    remote.check_domain(uri)
    data = http.fetch_json(uri)
    jsonld.check_depth(data)
    if jsonld.id_of(data) != uri and not jsonld.same_origin(jsonld.id_of(data), uri):
        raise HostileObject(f"{uri} answered an object of another domain")
    return data


def fetch_note(uri: str, *, depth: int = 0, retry_later: bool = False) -> Post | None:
    """A remote post by its URL: known, or fetched with its author (and its missing
    parents, up to FEDERATION["THREAD_DEPTH"] of them). With `retry_later`, a fetch
    that failed for a reason that may pass (not 404 or 410) raises http.FetchError,
    so that the worker tries the activity again."""
    known = post_by_uri(uri)
    if known is not None:
        return known
    try:
        data = fetch_object(uri)
        attributed = data.get("attributedTo")
        if isinstance(attributed, list):
            attributed = attributed[0] if attributed else None
        author = remote.get_actor(jsonld.id_of(attributed, "attributedTo"))
        return store_note(data, author, depth=depth)
    except (http.FetchError, HostileObject, remote.Blocked, ActionError) as e:
        if retry_later and isinstance(e, http.FetchError) and e.status not in GONE:
            raise
        logger.info("could not fetch the note %s: %s", uri, e)
        return None


def on_update(activity: dict, actor: Profile) -> str:
    obj = _object(activity)
    if not isinstance(obj, dict):
        raise HostileObject("Update without an embedded object")
    kinds = jsonld.types(obj)
    if kinds & remote.ACTOR_TYPES:
        if jsonld.id_of(obj) != actor.uri:
            raise HostileObject(f"{actor.uri} tried to update another actor")
        remote.store_actor(obj, fetched_from=actor.uri)
        return "updated the profile"
    post = Post.objects.filter(uri=jsonld.id_of(obj), local=False).first()
    if post is None:
        return "update of an unknown note"
    if post.author_id != actor.id:
        raise HostileObject(f"{actor.uri} tried to update someone else's note")
    try:
        read = read_note(obj, actor)
    except NotStored as e:
        return f"not stored: {e}"
    post_actions.edit_post(user=_as(actor), post=post, text=read.text, remote=read.remote)
    return f"edited {post.uri}"


def on_delete(activity: dict, actor: Profile) -> str:
    uri = jsonld.id_of(_object(activity))
    if uri == actor.uri:
        suspend_remote(actor)
        return "the actor deleted itself; suspended"
    post = Post.objects.filter(uri=uri, local=False, deleted_at__isnull=True).first()
    if post is None:
        return "delete of an unknown note"
    if post.author_id != actor.id:
        raise HostileObject(f"{actor.uri} tried to delete someone else's note")
    post_actions.delete_post(user=_as(actor), post=post)
    return f"deleted {uri}"


def _target_post(activity: dict) -> Post | None:
    uri = jsonld.id_of(_object(activity))
    if activity.get("type") != "Announce":
        return post_by_uri(uri)
    return post_by_uri(uri) or fetch_note(uri, retry_later=True)


def on_like(activity: dict, actor: Profile) -> str:
    post = _target_post(activity)
    if post is None:
        return "like of an unknown post"
    post_actions.like(user=_as(actor), profile=actor, post=post)
    return f"liked {post.id}"


def on_announce(activity: dict, actor: Profile) -> str:
    post = _target_post(activity)
    if post is None:
        return "announce of an unknown post"
    post_actions.repost(user=_as(actor), profile=actor, post=post)
    return f"reposted {post.id}"


def on_follow(activity: dict, actor: Profile) -> str:
    target = profile_by_actor_id(jsonld.id_of(_object(activity)))
    if target is None or target.is_remote or target.is_suspended:
        return "follow of an unknown profile"
    follow_id = jsonld.id_of(activity)
    if Block.objects.filter(profile=target, target=actor).exists():
        request = FollowRequest(follower=actor, followee=target, activity_id=follow_id)
        outgoing.send_follow_answer("Reject", request)
        return f"{target.handle} has blocked {actor.handle}: rejected"
    request, _ = FollowRequest.objects.update_or_create(
        follower=actor, followee=target, defaults={"activity_id": follow_id}
    )
    if target.manually_approves_followers and request.state != FollowRequest.State.ACCEPTED:
        return "follow waits for approval"
    accept_follow(request)
    return f"accepted a follow of {target.handle}"


def accept_follow(request: FollowRequest) -> None:
    """Make the follow and send Accept (an approval, or at once)."""
    account_actions.follow(
        user=_as(request.follower), profile=request.follower, target=request.followee
    )
    FollowRequest.objects.filter(pk=request.pk).update(state=FollowRequest.State.ACCEPTED)
    outgoing.send_follow_answer("Accept", request)


def on_undo(activity: dict, actor: Profile) -> str:
    inner = _object(activity)
    if not isinstance(inner, dict):
        raise HostileObject("Undo without an embedded activity")
    if jsonld.id_of(inner.get("actor"), "actor") != actor.uri:
        raise HostileObject(f"{actor.uri} tried to undo another actor's activity")
    kinds = jsonld.types(inner)
    if "Follow" in kinds:
        target = profile_by_actor_id(jsonld.id_of(_object(inner)))
        if target is not None:
            FollowRequest.objects.filter(follower=actor, followee=target).delete()
            account_actions.unfollow(user=_as(actor), profile=actor, target=target)
        return "unfollowed"
    if "Block" in kinds:
        target = profile_by_actor_id(jsonld.id_of(_object(inner)))
        if target is not None:
            account_actions.unblock(user=_as(actor), profile=actor, target=target)
        return "unblocked"
    post = post_by_uri(jsonld.id_of(_object(inner)))
    if post is None:
        return "undo about an unknown post"
    if "Like" in kinds:
        post_actions.unlike(user=_as(actor), profile=actor, post=post)
        return f"unliked {post.id}"
    if "Announce" in kinds:
        post_actions.unrepost(user=_as(actor), profile=actor, post=post)
        return f"unreposted {post.id}"
    return f"ignored an Undo of {sorted(kinds)}"


def _answered_request(activity: dict, actor: Profile) -> FollowRequest | None:
    inner = _object(activity)
    query = FollowRequest.objects.filter(followee=actor, follower__domain="")
    if isinstance(inner, dict) and inner.get("actor"):
        follower = profile_by_actor_id(jsonld.id_of(inner.get("actor"), "actor"))
        return query.filter(follower=follower).first() if follower else None
    return query.filter(activity_id=jsonld.id_of(inner)).first()


def on_accept(activity: dict, actor: Profile) -> str:
    request = _answered_request(activity, actor)
    if request is None:
        return "accept of an unknown follow"
    FollowRequest.objects.filter(pk=request.pk).update(state=FollowRequest.State.ACCEPTED)
    return f"{actor.handle} accepted {request.follower.handle}'s follow"


def on_reject(activity: dict, actor: Profile) -> str:
    request = _answered_request(activity, actor)
    if request is None:
        return "reject of an unknown follow"
    FollowRequest.objects.filter(pk=request.pk).update(state=FollowRequest.State.REJECTED)
    if Follow.objects.filter(follower=request.follower, followee=actor).exists():
        account_actions.remove_follower(user=_as(actor), profile=actor, follower=request.follower)
    return f"{actor.handle} rejected {request.follower.handle}'s follow"


def on_block(activity: dict, actor: Profile) -> str:
    target = profile_by_actor_id(jsonld.id_of(_object(activity)))
    if target is None or target.is_remote:
        return "block of an unknown profile"
    account_actions.block(user=_as(actor), profile=actor, target=target)
    return f"{actor.handle} blocked {target.handle}"


HANDLERS = {
    "Create": on_create,
    "Update": on_update,
    "Delete": on_delete,
    "Like": on_like,
    "Announce": on_announce,
    "Undo": on_undo,
    "Follow": on_follow,
    "Accept": on_accept,
    "Reject": on_reject,
    "Block": on_block,
}
