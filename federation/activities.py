"""The activities this server sends, built from local rows (federation.objects)."""

from datetime import datetime
from typing import Any

from django.utils import timezone

from accounts.models import Profile
from federation import conf, ids, objects
from posts.models import Post


def _activity(kind: str, actor: Profile, activity_id: str, obj: Any, **extra) -> dict[str, Any]:
    return {
        "@context": conf.CONTEXT,
        "id": activity_id,
        "type": kind,
        "actor": ids.actor_id(actor),
        "object": obj,
        **extra,
    }


def _stamp(moment: datetime | None = None) -> str:
    return str(int((moment or timezone.now()).timestamp() * 1000))


def create(post: Post) -> dict[str, Any]:
    note = objects.note(post)
    note.pop("@context", None)
    return _activity(
        "Create",
        post.author,
        f"{ids.note_id(post)}/activity",
        note,
        to=note["to"],
        cc=note["cc"],
        published=note["published"],
    )


def update_note(post: Post) -> dict[str, Any]:
    note = objects.note(post)
    note.pop("@context", None)
    return _activity(
        "Update",
        post.author,
        f"{ids.note_id(post)}#update/{_stamp(post.edited_at)}",
        note,
        to=note["to"],
        cc=note["cc"],
    )


def delete_note(post: Post, *, to: list[str], cc: list[str]) -> dict[str, Any]:
    return _activity(
        "Delete",
        post.author,
        f"{ids.note_id(post)}#delete",
        {"id": ids.note_id(post), "type": "Tombstone"},
        to=to,
        cc=cc,
    )


def like(profile: Profile, post: Post) -> dict[str, Any]:
    return _activity("Like", profile, ids.activity_id(profile, "likes", post.id), ids.note_id(post))


def announce(repost: Post) -> dict[str, Any]:
    original = repost.repost_of
    assert original is not None
    return _activity(
        "Announce",
        repost.author,
        f"{ids.note_id(repost)}/activity",
        ids.note_id(original),
        to=[conf.PUBLIC],
        cc=[ids.actor_id(original.author), ids.collection(repost.author, "followers")],
        published=objects.iso(repost.created_at),
    )


def undo(profile: Profile, inner: dict[str, Any]) -> dict[str, Any]:
    inner = {k: v for k, v in inner.items() if k != "@context"}
    return _activity(
        "Undo", profile, f"{inner['id']}#undo/{_stamp()}", inner, to=inner.get("to", [])
    )


def follow(follower: Profile, followee: Profile, activity_id: str | None = None) -> dict:
    return _activity(
        "Follow",
        follower,
        activity_id or ids.activity_id(follower, "follows", f"{followee.id}/{_stamp()}"),
        ids.actor_id(followee),
    )


def follow_answer(kind: str, followee: Profile, follower: Profile, follow_id: str) -> dict:
    """Accept or Reject of a remote profile's Follow."""
    return _activity(
        kind,
        followee,
        ids.activity_id(followee, kind.lower(), f"{follower.id}/{_stamp()}"),
        {
            "id": follow_id,
            "type": "Follow",
            "actor": ids.actor_id(follower),
            "object": ids.actor_id(followee),
        },
    )


def block(profile: Profile, target: Profile) -> dict[str, Any]:
    return _activity(
        "Block", profile, ids.activity_id(profile, "blocks", target.id), ids.actor_id(target)
    )


def update_actor(profile: Profile) -> dict[str, Any]:
    actor = objects.actor(profile)
    actor.pop("@context", None)
    return _activity(
        "Update",
        profile,
        f"{ids.actor_id(profile)}#update/{_stamp()}",
        actor,
        to=[conf.PUBLIC],
        cc=[ids.collection(profile, "followers")],
    )
