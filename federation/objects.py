"""Local profiles and posts as ActivityPub objects (JSON-LD, as Mastodon reads them)."""

import html
from datetime import UTC, datetime
from typing import Any

from accounts.models import Profile
from federation import chat_account, conf, ids, keys
from posts.models import Post


def iso(moment: datetime | None) -> str | None:
    """ActivityPub's timestamps: UTC, to the second, with a Z."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _absolute(fragment: str) -> str:
    """Local post HTML links to /tags/... and /@...; remote servers need full URLs."""
    return fragment.replace('href="/', f'href="{conf.base_url()}/')


def actor(profile: Profile) -> dict[str, Any]:
    """A local profile's actor: Person, or Organization for an organisation profile."""
    me = ids.actor_id(profile)
    key = keys.key_for(profile)
    summary = "".join(
        f"<p>{html.escape(line)}</p>" for line in profile.bio.splitlines() if line.strip()
    )
    data: dict[str, Any] = {
        "@context": conf.CONTEXT,
        "id": me,
        "type": "Organization" if profile.is_organisation else "Person",
        "preferredUsername": profile.handle,
        "name": profile.display_name or profile.handle,
        "summary": summary,
        "url": me,
        "inbox": ids.collection(profile, "inbox"),
        "outbox": ids.collection(profile, "outbox"),
        "followers": ids.collection(profile, "followers"),
        "following": ids.collection(profile, "following"),
        "featured": ids.collection(profile, "featured"),
        "endpoints": {"sharedInbox": ids.shared_inbox()},
        "manuallyApprovesFollowers": profile.manually_approves_followers,
        "discoverable": True,
        "published": iso(profile.created_at),
        "icon": {
            "type": "Image",
            "mediaType": "image/png" if profile.avatar else "image/svg+xml",
            "url": conf.base_url() + profile.avatar_url(),
        },
        "publicKey": {"id": ids.key_id(profile), "owner": me, "publicKeyPem": key.public_key_pem},
    }
    if profile.website:
        data["attachment"] = [
            {"type": "PropertyValue", "name": "Website", "value": profile.website}
        ]
    if profile.is_chat_account:
        chat_account.actor_extras(profile, data)
    return data


def instance_actor() -> dict[str, Any]:
    """The server itself, an Application: its key signs fetches (authorized fetch)."""
    me = ids.actor_id(None)
    key = keys.key_for(None)
    return {
        "@context": conf.CONTEXT,
        "id": me,
        "type": "Application",
        "preferredUsername": conf.domain(),
        "name": conf.domain(),
        "url": conf.base_url() + "/",
        "inbox": ids.shared_inbox(),
        "outbox": me + "/outbox",
        "manuallyApprovesFollowers": True,
        "publicKey": {"id": me + "#main-key", "owner": me, "publicKeyPem": key.public_key_pem},
    }


def addressing(post: Post) -> tuple[list[str], list[str]]:
    """(to, cc): public posts to everyone, cc followers; unlisted the other way round;
    mentioned actors and the parent's author in cc."""
    followers = ids.collection(post.author, "followers")
    if post.visibility == Post.Visibility.PUBLIC:
        to, cc = [conf.PUBLIC], [followers]
    else:
        to, cc = [followers], [conf.PUBLIC]
    for profile in mentioned(post):
        cc.append(ids.actor_id(profile))
    parent = post.in_reply_to
    if parent is not None and parent.author_id != post.author_id:
        parent_actor = ids.actor_id(parent.author)
        if parent_actor not in cc:
            cc.append(parent_actor)
    return to, cc


def mentioned(post: Post) -> list[Profile]:
    return [m.profile for m in post.mentions.select_related("profile").order_by("id")]


def note(post: Post) -> dict[str, Any]:
    """A local post as a Note (a deleted one as a Tombstone)."""
    if post.is_deleted:
        return {
            "@context": conf.CONTEXT,
            "id": ids.note_id(post),
            "type": "Tombstone",
            "deleted": iso(post.deleted_at),
        }
    to, cc = addressing(post)
    tags: list[dict[str, Any]] = [
        {"type": "Hashtag", "href": ids.tag_url(t.name_lower), "name": f"#{t.name}"}
        for t in post.hashtags.all().order_by("id")
    ]
    for profile in mentioned(post):
        handle = profile.handle if profile.is_remote else f"{profile.handle}@{conf.domain()}"
        tags.append({"type": "Mention", "href": ids.actor_id(profile), "name": f"@{handle}"})
    data: dict[str, Any] = {
        "@context": conf.CONTEXT,
        "id": ids.note_id(post),
        "type": "Note",
        "attributedTo": ids.actor_id(post.author),
        "content": _absolute(post.html),
        "source": {"content": post.text, "mediaType": "text/plain"},
        "url": ids.note_id(post),
        "published": iso(post.created_at),
        "to": to,
        "cc": cc,
        "tag": tags,
        "sensitive": post.sensitive or bool(post.spoiler_text),
        # The content warning, shown before the text (Mastodon's spoiler_text).
        "summary": post.spoiler_text or None,
        # hashchat keeps no media of its own: a local post has no attachments.
        "attachment": [],
        "inReplyTo": ids.note_id(post.in_reply_to) if post.in_reply_to is not None else None,
    }
    if post.language:
        data["contentMap"] = {post.language: data["content"]}
    if post.edited_at:
        data["updated"] = iso(post.edited_at)
    return data
