"""A series' account (@libchat, chats.accounts) on the network: a Group actor that
boosts every post of the chat to its followers and follows back whoever follows it.

- A post that joins a live event (chats.linking: the questions, posts with the
  hashtag, local or remote, replies in a question's thread, posts that mention the
  account) is reposted by the account; federation.outgoing turns the repost into an
  Announce to its followers. Outside events a hashtag post is boosted only when the
  host turned `boost_outside_events` on. Reposting twice gives the first repost, so
  nothing is boosted twice.
- A post a host hides is un-boosted (the repost undone: Undo Announce).
- A remote follow of the account is followed back unless `follow_back` is off, so
  that the follower's public hashtag posts reach this server.
"""

import logging
from typing import Any

from django.db import connection
from django.utils import timezone

from accounts import actions as account_actions
from accounts.models import Follow, Profile
from chats import accounts as chat_accounts
from chats.models import ChatPost, Event, Series
from core.errors import ActionError
from federation import conf
from posts import reactions
from posts.models import Post

logger = logging.getLogger("federation.chat_account")


def actor_extras(profile: Profile, data: dict[str, Any]) -> None:
    """Make a chat account's actor a Group that points at its series."""
    series = chat_accounts.series_of(profile)
    if series is None:
        return
    data["type"] = "Group"
    page = f"{conf.base_url()}/chats/{series.hashtag}/"
    attachment = [
        {
            "type": "PropertyValue",
            "name": "Chat",
            "value": f'<a href="{page}" rel="me">{page}</a>',
        }
    ]
    upcoming = chat_accounts.next_event(series, timezone.now())
    lines = [data.get("summary", "")]
    if upcoming is not None:
        when = upcoming.starts_at.strftime("%Y-%m-%d %H:%M UTC")
        attachment.append({"type": "PropertyValue", "name": "Next chat", "value": when})
        lines.append(f"<p>Next chat: {when}, {upcoming.topic}</p>")
    lines.append(f'<p>Follow to follow #{series.hashtag}: <a href="{page}">{page}</a></p>')
    data["summary"] = "".join(lines)
    data["attachment"] = [*data.get("attachment", []), *attachment]
    data["url"] = page


def _series_for(post: Post) -> tuple[Series, Event | None] | None:
    """The series whose account boosts `post`, and the event the post belongs to
    (None outside events)."""
    link = ChatPost.objects.filter(post=post).select_related("event__series__account").first()
    if link is not None:
        return link.event.series, link.event
    # The new post's hashtags are in hand (posts.actions.create_post keeps them).
    created = getattr(post, "created_hashtags", None)
    names = (
        [t.name_lower for t in created]
        if created is not None
        else list(post.hashtags.values_list("name_lower", flat=True))
    )
    if not names:
        return None
    series = (
        Series.objects.filter(
            boost_outside_events=True, account__isnull=False, hashtag_key__in=names
        )
        .select_related("account")
        .first()
    )
    return (series, None) if series else None


def boost(post: Post) -> Post | None:
    """Boost `post` with its chat's account when it belongs to one; the repost."""
    if post.repost_of_id or post.deleted_at or post.hidden_at:
        return None
    if post.visibility != Post.Visibility.PUBLIC:
        return None
    if not _any_account_followed():
        # No chat account has a follower: a boost would reach nobody (the count is
        # kept on the profile row; the common case costs one indexed read).
        return None
    found = _series_for(post)
    if found is None:
        return None
    series, event = found
    account = series.account
    if account is None or account.is_suspended or post.author_id == account.id:
        return None
    if account.follower_count == 0:
        return None
    if event is not None and not _window_open(event):
        return None
    try:
        return reactions.repost(user=chat_accounts.acting_as(series), profile=account, post=post)
    except ActionError as e:
        logger.info("%s did not boost %s: %s", account.handle, post.id, e)
        return None


def _any_account_followed() -> bool:
    """Whether any chat account has a follower (asked after every post: plain SQL,
    which the database answers faster than the ORM builds it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {Series._meta.db_table} s JOIN {Profile._meta.db_table} a"
            " ON a.id = s.account_id WHERE a.follower_count > 0 LIMIT 1"
        )
        return cursor.fetchone() is not None


def _window_open(event: Event) -> bool:
    return event.state != Event.State.DRAFT and timezone.now() < event.window_ends_at


def unboost(post: Post, series: Series) -> None:
    account = series.account
    if account is None:
        return
    if Post.objects.filter(author=account, repost_of=post).exists():
        reactions.unrepost(user=chat_accounts.acting_as(series), profile=account, post=post)


def on_post_created(post: Post, **_) -> None:
    boost(post)


def on_post_hidden(post: Post, event: Event, **_) -> None:
    unboost(post, event.series)


def on_follow_created(follow: Follow, **_) -> None:
    """Follow back a remote follower of a chat account."""
    follower, followee = follow.follower, follow.followee
    if not follower.is_remote or not followee.is_chat_account:
        return
    series = chat_accounts.series_of(followee)
    if series is None or not series.follow_back:
        return
    if Follow.objects.filter(follower=followee, followee=follower).exists():
        return
    try:
        account_actions.follow(
            user=chat_accounts.acting_as(series), profile=followee, target=follower
        )
    except ActionError as e:
        logger.info("%s did not follow back %s: %s", followee.handle, follower.handle, e)
