"""Writes about posts: create, edit, delete, follow a hashtag; the reactions to a
post (like, repost, bookmark: posts.reactions) and the notifications they cause
(posts.notifications) are re-exported here. Each validates, writes in one
transaction and publishes live events after commit."""

from datetime import timedelta
from typing import cast
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Block, Profile, User
from accounts.permissions import RemoteActor, check_act_as, login_of
from core import metrics
from core.errors import InvalidInput, NotAllowed, NotFound
from core.hashtags import tag_key
from live.publish import publish_on_commit
from posts import hooks, limits, parsing, signals, stats
from posts.models import Hashtag, Mention, Post, PostEdit, TagFollow
from posts.notifications import (  # notifications live in their own module
    clear_notifications,
    dismiss_notification,
    mark_notifications_read,
    notify,
    silenced_by,
)
from posts.publishing import post_streams, publish_counts
from posts.reactions import (  # reactions live in their own module
    bookmark,
    like,
    repost,
    unbookmark,
    undo_repost,
    unlike,
    unrepost,
)
from posts.remote_notes import REMOTE_MAX_CHARS, RemoteNote, clean_spoiler_text

__all__ = [
    "RemoteNote",
    "bookmark",
    "clear_notifications",
    "create_post",
    "delete_post",
    "dismiss_notification",
    "edit_post",
    "follow_tag",
    "like",
    "mark_notifications_read",
    "notify",
    "post_streams",
    "repost",
    "unbookmark",
    "unfollow_tag",
    "unlike",
    "unrepost",
]


def _max_chars() -> int:
    return cast(int, settings.HASHCHAT["MAX_POST_CHARS"])


def clean_text(text: str | None) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput("A post cannot be empty.", field="text")
    if len(text) > _max_chars():
        raise InvalidInput(
            f"A post can have at most {_max_chars()} characters; this one has {len(text)}.",
            field="text",
        )
    return text


def _link_entities(post: Post, text: str) -> tuple[list[str], list[Profile]]:
    """Store the post's hashtags and mentions; return them."""
    tags = parsing.hashtags(text)
    hashtag_rows = [get_or_create_hashtag(name) for name in tags]
    post.hashtags.set(hashtag_rows)
    handles = parsing.mentions(text)
    mentioned = profiles_by_handles(handles)
    Mention.objects.filter(post=post).exclude(profile__in=mentioned).delete()
    Mention.objects.bulk_create(
        [Mention(post=post, profile=p) for p in mentioned], ignore_conflicts=True
    )
    return tags, mentioned


def render_html(text: str) -> str:
    handles = parsing.mentions(text)
    known = {p.handle.lower() for p in profiles_by_handles(handles)}
    return parsing.render(text, known)


def profiles_by_handles(handles: list[str]) -> list[Profile]:
    """The profiles of these handles (any case), in the order the handles come."""
    if not handles:
        return []
    # @hana@this-server is @hana.
    own = "@" + urlsplit(settings.BASE_URL).netloc.lower()
    handles = [h[: -len(own)] if h.lower().endswith(own) else h for h in handles]
    query = Q()
    for handle in handles:
        query |= Q(handle__iexact=handle)
    found = {p.handle.lower(): p for p in Profile.objects.filter(query, is_suspended=False)}
    wanted = dict.fromkeys(h.lower() for h in handles)
    return [found[h] for h in wanted if h in found]


def get_or_create_hashtag(name: str) -> Hashtag:
    name = name.lstrip("#")
    try:
        with transaction.atomic():
            tag, _ = Hashtag.objects.get_or_create(
                name_lower=tag_key(name), defaults={"name": name}
            )
    except IntegrityError:
        tag = Hashtag.objects.get(name_lower=tag_key(name))
    return tag


IDEMPOTENCY_WINDOW = timedelta(hours=1)

POSTS_CREATED = metrics.counter("posts_created", "Posts created (counted once committed).")


def create_post(
    *,
    user: User | None,
    profile: Profile,
    text: str,
    in_reply_to: Post | None = None,
    idempotency_key: str | None = None,
    visibility: str = Post.Visibility.PUBLIC,
    system: bool = False,
    asks: object | None = None,
    remote: RemoteNote | None = None,
    spoiler_text: str = "",
) -> Post:
    """Post as `profile`, under the content warning `spoiler_text` if given. The
    same Idempotency-Key for the same profile within IDEMPOTENCY_WINDOW returns the
    first post instead of making a second (Mastodon keeps a key an hour, per
    account). `system=True` (the chat scheduler and the demo only) posts as the
    profile without a login. `asks` is what the post asks, handed to the apps'
    hooks (posts.hooks): the chat scheduler passes the question it posts, so that
    chats links the post to it. `remote` (with a RemoteActor as `user`) stores a
    post that came from the remote profile's server."""
    if not system:
        check_act_as(user, profile)
    if remote is not None and not isinstance(user, RemoteActor):
        raise NotAllowed("Only a remote profile's own server stores its posts.")
    existing = None
    if idempotency_key:
        keyed = Post.objects.filter(author=profile, idempotency_key=idempotency_key)
        existing = keyed.first()
        if existing is not None and existing.created_at > timezone.now() - IDEMPOTENCY_WINDOW:
            return existing
    if remote is None:
        text = clean_text(text)
        spoiler_text = clean_spoiler_text(spoiler_text)
    else:
        text = (text or "").replace("\r\n", "\n").strip()[:REMOTE_MAX_CHARS]
    if visibility not in Post.Visibility.values:
        raise InvalidInput("Visibility must be public or unlisted.", field="visibility")
    if not system and remote is None:
        # New-profile caps on mentions and links, and the posting rate limits.
        limits.check_post(profile, text)
    if in_reply_to is not None:
        if in_reply_to.repost_of is not None:
            in_reply_to = in_reply_to.repost_of
        if in_reply_to.is_deleted or in_reply_to.hidden_at is not None:
            raise InvalidInput("You cannot reply to a deleted post.", field="in_reply_to")
        if Block.objects.filter(profile=in_reply_to.author, target=profile).exists():
            raise NotAllowed(f"@{in_reply_to.author.handle} has blocked @{profile.handle}.")
    # Every read happens here, before the write transaction, so that the database's
    # write lock (SQLite: one writer at a time) is held only for the writes.
    tag_names = _tag_names(text)
    if remote is not None:
        tag_names = list(dict.fromkeys([*tag_names, *(t.lower() for t in remote.hashtags)]))
    known_tags = {t.name_lower: t for t in Hashtag.objects.filter(name_lower__in=tag_names)}
    if remote is None:
        mentioned = profiles_by_handles(parsing.mentions(text))
        html = parsing.render(text, {p.handle.lower() for p in mentioned})
    else:
        mentioned, html = list(remote.mentioned), remote.html
    post = Post(
        author=profile,
        created_by=login_of(user),
        text=text,
        html=html,
        visibility=visibility,
        in_reply_to=in_reply_to,
        created_at=min(remote.published, timezone.now()) if remote else timezone.now(),
        idempotency_key=idempotency_key or None,
        spoiler_text=spoiler_text if remote is None else "",
        sensitive=bool(spoiler_text) if remote is None else False,
    )
    if remote is not None:
        post.local = False
        post.uri, post.url, post.sensitive = remote.uri, remote.url, remote.sensitive
        post.spoiler_text, post.remote_attachments = remote.spoiler_text, remote.attachments
        post.language = remote.language[:16]
    # The id is given on creation (a snowflake), so a new thread's root is the post itself.
    post.thread_root_id = (in_reply_to.thread_root_id or in_reply_to.id) if in_reply_to else post.id
    recipients = [p.id for p in mentioned]
    if in_reply_to is not None:
        recipients.append(in_reply_to.author_id)
    silenced = silenced_by(recipients, profile)
    prepared = hooks.prepare_created(post, asks, mentioned)
    try:
        with transaction.atomic():
            if existing is not None:
                # The key's first post is older than the window: the key is free again.
                keyed.filter(pk=existing.pk).update(idempotency_key=None)
            post.save(force_insert=True)
            stats.post_added(post)
            hashtag_rows = _store_hashtags(post, tag_names, known_tags)
            if mentioned:
                Mention.objects.bulk_create([Mention(post=post, profile=p) for p in mentioned])
            if in_reply_to is not None:
                Post.objects.filter(pk=in_reply_to.pk).update(reply_count=F("reply_count") + 1)
                notify(
                    recipient=in_reply_to.author,
                    kind="reply",
                    actor=profile,
                    post=post,
                    silenced=silenced,
                )
                publish_counts(in_reply_to.pk)
            for target in mentioned:
                if in_reply_to is None or target.id != in_reply_to.author_id:
                    notify(
                        recipient=target,
                        kind="mention",
                        actor=profile,
                        post=post,
                        silenced=silenced,
                    )
            hooks.store_created(post, prepared)
    except IntegrityError:
        if idempotency_key:
            return Post.objects.get(author=profile, idempotency_key=idempotency_key)
        raise
    # What the new post's Status needs, in hand (mastodon_api builds it without re-reading).
    post.created_hashtags = hashtag_rows  # type: ignore[attr-defined]
    post.created_mentions = mentioned  # type: ignore[attr-defined]
    tags = [t.name for t in hashtag_rows]
    publish_on_commit(post_streams(post, tags), {"type": "post.created", "post_id": str(post.id)})
    transaction.on_commit(POSTS_CREATED.inc)
    signals.send_on_commit(signals.post_created, post=post)
    return post


def _tag_names(text: str) -> list[str]:
    """The post's hashtags' keys (core.hashtags.tag_key), in order of first use."""
    return list(dict.fromkeys(tag_key(name) for name in parsing.hashtags(text)))


def _store_hashtags(post: Post, names: list[str], known: dict[str, Hashtag]) -> list[Hashtag]:
    """Link a new post to its hashtags, creating those never used before (one insert
    for them all, one re-read for their ids)."""
    if not names:
        return []
    missing = [n for n in names if n not in known]
    if missing:
        written = {n: n for n in missing}
        written.update({tag_key(n): n.lstrip("#") for n in parsing.hashtags(post.text)})
        Hashtag.objects.bulk_create(
            [Hashtag(name=written[n], name_lower=n) for n in missing], ignore_conflicts=True
        )
        known = {
            **known,
            **{t.name_lower: t for t in Hashtag.objects.filter(name_lower__in=missing)},
        }
    rows = [known[n] for n in names]
    through = Post.hashtags.through
    through.objects.bulk_create([through(post_id=post.id, hashtag_id=t.id) for t in rows])
    return rows


def _check_manage(user: User, post: Post) -> None:
    if post.is_deleted:
        raise NotFound("This post has been deleted.")
    check_act_as(user, post.author)


def edit_post(
    *,
    user: User,
    post: Post,
    text: str,
    remote: RemoteNote | None = None,
    spoiler_text: str | None = None,
) -> Post:
    """Edit by the author or a manager of the authoring profile; the old version is kept.
    `remote` (with a RemoteActor as `user`): the remote author's server sent an Update.
    `spoiler_text`, if given, replaces the content warning ("" removes it)."""
    _check_manage(user, post)
    if post.is_repost:
        raise InvalidInput("A repost cannot be edited.")
    if remote is not None and not isinstance(user, RemoteActor):
        raise NotAllowed("Only a remote profile's own server edits its posts.")
    if remote is None:
        text = clean_text(text)
        spoiler = post.spoiler_text if spoiler_text is None else clean_spoiler_text(spoiler_text)
        extras = (spoiler, post.remote_attachments)
    else:
        text = (text or "").replace("\r\n", "\n").strip()[:REMOTE_MAX_CHARS]
        extras = (remote.spoiler_text, remote.attachments)
    same_html = remote is None or remote.html == post.html
    if text == post.text and same_html and extras == (post.spoiler_text, post.remote_attachments):
        return post
    with transaction.atomic():
        PostEdit.objects.create(
            post=post, text=post.text, html=post.html, created_at=post.edited_at or post.created_at
        )
        post.text = text
        post.html = render_html(text) if remote is None else remote.html
        post.edited_at = timezone.now()
        post.spoiler_text, post.remote_attachments = extras
        post.sensitive = remote.sensitive if remote is not None else bool(post.spoiler_text)
        post.save(
            update_fields=[
                "text",
                "html",
                "edited_at",
                "sensitive",
                "spoiler_text",
                "remote_attachments",
            ]
        )
        if remote is None:
            tags, _ = _link_entities(post, text)
        else:
            tags = _link_remote_entities(post, remote)
    publish_on_commit(post_streams(post, tags), {"type": "post.updated", "post_id": str(post.id)})
    signals.send_on_commit(signals.post_edited, post=post)
    return post


def _link_remote_entities(post: Post, remote: RemoteNote) -> list[str]:
    names = list(dict.fromkeys([*parsing.hashtags(post.text), *remote.hashtags]))
    post.hashtags.set([get_or_create_hashtag(name) for name in names])
    Mention.objects.filter(post=post).exclude(profile__in=remote.mentioned).delete()
    Mention.objects.bulk_create(
        [Mention(post=post, profile=p) for p in remote.mentioned], ignore_conflicts=True
    )
    return names


def delete_post(*, user: User, post: Post) -> Post:
    """Delete by the author or a manager of the authoring profile. The row stays, without
    its text, so replies keep their place in the thread."""
    _check_manage(user, post)
    tags = [t.name for t in post.hashtags.all()]
    mentioned = [m.profile for m in post.mentions.select_related("profile")]
    now = timezone.now()
    with transaction.atomic():
        if post.is_repost:
            return undo_repost(post)
        # The row as it is now, locked (on PostgreSQL) until the deletion commits.
        before = (
            Post.objects.select_for_update().filter(pk=post.pk).values("deleted_at", "hidden_at")
        )
        was = before.first()
        if was is None or was["deleted_at"] is not None:
            raise NotFound("This post has been deleted.")
        post.deleted_at = now
        post.text = ""
        post.html = ""
        post.save(update_fields=["deleted_at", "text", "html"])
        if was["hidden_at"] is None:
            stats.post_removed(post.author_id, post.created_at, post)
        post.hashtags.clear()
        Mention.objects.filter(post=post).delete()
        if post.in_reply_to_id:
            Post.objects.filter(pk=post.in_reply_to_id, reply_count__gt=0).update(
                reply_count=F("reply_count") - 1
            )
            publish_counts(post.in_reply_to_id)
        # Reposts of a deleted post go with it.
        for repost in Post.objects.filter(repost_of=post):
            deleted, _ = repost.delete()
            if deleted and stats.counts(repost):
                stats.post_removed(repost.author_id, repost.created_at)
    publish_on_commit(post_streams(post, tags), {"type": "post.deleted", "post_id": str(post.id)})
    signals.send_on_commit(signals.post_deleted, post=post, mentioned=mentioned)
    return post


def follow_tag(*, user: User, profile: Profile, name: str) -> TagFollow:
    check_act_as(user, profile)
    name = (name or "").strip().lstrip("#")
    if not name or parsing.hashtags("#" + name) != [name]:
        raise InvalidInput(f"“{name}” is not a hashtag.", field="name")
    row, _ = TagFollow.objects.get_or_create(profile=profile, hashtag=get_or_create_hashtag(name))
    return row


def unfollow_tag(*, user: User, profile: Profile, name: str) -> None:
    check_act_as(user, profile)
    TagFollow.objects.filter(profile=profile, hashtag__name_lower=tag_key(name)).delete()
