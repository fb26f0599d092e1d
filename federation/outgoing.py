"""What local actions send out: the receivers of posts' and accounts' signals build
an activity (federation.activities) and queue one Delivery per target inbox.
Only local actors' actions go out; a remote actor's (stored through the same
actions) never echo back. With federation off nothing is queued."""

import json
import logging
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import Follow, Profile
from core import worker
from federation import activities, conf, ids, keys
from federation.models import Delivery, DomainBlock, FollowRequest
from posts.models import Post

logger = logging.getLogger("federation.outgoing")

DELIVERY_JOB = "federation.delivery.run_due"

# Inboxes that every local public post (its Create, Update and Delete) also goes to, from the
# apps above (gathering.relays: the relays this server is subscribed to, as Mastodon does).
PUBLIC_INBOXES: list[Callable[[], list[str]]] = []


def _inbox(profile: Profile) -> str:
    return profile.shared_inbox_url or profile.inbox_url


def followers_inboxes(profile: Profile) -> list[str]:
    """The remote followers' inboxes, shared ones used and each once."""
    rows = (
        Follow.objects.filter(followee=profile)
        .exclude(follower__domain="")
        .exclude(follower__is_suspended=True)
        .values_list("follower__shared_inbox_url", "follower__inbox_url")
    )
    return list(dict.fromkeys(shared or own for shared, own in rows if shared or own))


def queue(activity: dict, sender: Profile, inboxes: Iterable[str]) -> int:
    """One Delivery per distinct inbox, in one transaction; answer how many."""
    if not conf.enabled() or sender.is_remote:
        return 0
    targets = [i for i in dict.fromkeys(inboxes) if i]
    if not targets:
        return 0
    blocked = set(DomainBlock.objects.values_list("domain", flat=True))
    body = json.dumps(activity, ensure_ascii=False)
    key = keys.key_for(sender)
    now = timezone.now()
    rows = []
    for inbox in targets:
        domain = inbox.split("/")[2].lower() if inbox.count("/") >= 2 else ""
        if not domain or domain in blocked or domain.split(":")[0] in blocked:
            continue
        rows.append(
            Delivery(
                inbox=inbox,
                domain=domain,
                activity_id=activity["id"],
                body=body,
                key_name=key.name,
                next_attempt_at=now,
            )
        )
    with transaction.atomic():
        Delivery.objects.bulk_create(rows)
    if rows:
        # The in-process worker sends them now rather than at its next turn.
        transaction.on_commit(lambda: worker.nudge(DELIVERY_JOB))
    return len(rows)


def _post_audience(post: Post, mentioned: Iterable[Profile] = ()) -> list[str]:
    inboxes = followers_inboxes(post.author)
    extra = list(mentioned) or [m.profile for m in post.mentions.select_related("profile")]
    if post.in_reply_to_id and post.in_reply_to is not None:
        extra.append(post.in_reply_to.author)
    if post.repost_of_id and post.repost_of is not None:
        extra.append(post.repost_of.author)
    inboxes += [_inbox(p) for p in extra if p.is_remote]
    if post.visibility == Post.Visibility.PUBLIC and not post.repost_of_id:
        inboxes += [inbox for more in PUBLIC_INBOXES for inbox in more()]
    return inboxes


def _local(profile: Profile) -> bool:
    return conf.enabled() and not profile.is_remote


def on_post_created(post: Post, **_) -> None:
    if _local(post.author) and post.local:
        queue(activities.create(post), post.author, _post_audience(post))


def on_post_edited(post: Post, **_) -> None:
    if _local(post.author) and post.local:
        queue(activities.update_note(post), post.author, _post_audience(post))


def on_post_deleted(post: Post, mentioned: list[Profile], **_) -> None:
    if not (_local(post.author) and post.local):
        return
    followers = ids.collection(post.author, "followers")
    to = [conf.PUBLIC]
    cc = [followers, *(ids.actor_id(p) for p in mentioned)]
    activity = activities.delete_note(post, to=to, cc=cc)
    queue(activity, post.author, _post_audience(post, mentioned))


def on_post_liked(profile: Profile, post: Post, **_) -> None:
    if _local(profile) and post.author.is_remote:
        queue(activities.like(profile, post), profile, [_inbox(post.author)])


def on_post_unliked(profile: Profile, post: Post, **_) -> None:
    if _local(profile) and post.author.is_remote:
        activity = activities.undo(profile, activities.like(profile, post))
        queue(activity, profile, [_inbox(post.author)])


def on_post_reposted(repost: Post, **_) -> None:
    if _local(repost.author):
        queue(activities.announce(repost), repost.author, _post_audience(repost))


def on_repost_undone(repost: Post, **_) -> None:
    if _local(repost.author) and repost.repost_of is not None:
        activity = activities.undo(repost.author, activities.announce(repost))
        queue(activity, repost.author, _post_audience(repost))


def on_follow_created(follow: Follow, **_) -> None:
    follower, followee = follow.follower, follow.followee
    if not (_local(follower) and followee.is_remote):
        return
    activity = activities.follow(follower, followee)
    FollowRequest.objects.update_or_create(
        follower=follower,
        followee=followee,
        defaults={"activity_id": activity["id"], "state": FollowRequest.State.PENDING},
    )
    queue(activity, follower, [_inbox(followee)])


def on_follow_removed(follower: Profile, followee: Profile, **_) -> None:
    if not (_local(follower) and followee.is_remote):
        return
    request = FollowRequest.objects.filter(follower=follower, followee=followee).first()
    activity_id = request.activity_id if request else None
    FollowRequest.objects.filter(follower=follower, followee=followee).delete()
    inner = activities.follow(follower, followee, activity_id)
    queue(activities.undo(follower, inner), follower, [_inbox(followee)])


def on_block_created(profile: Profile, target: Profile, **_) -> None:
    if _local(profile) and target.is_remote:
        queue(activities.block(profile, target), profile, [_inbox(target)])


def on_block_removed(profile: Profile, target: Profile, **_) -> None:
    if _local(profile) and target.is_remote:
        activity = activities.undo(profile, activities.block(profile, target))
        queue(activity, profile, [_inbox(target)])


def on_profile_updated(profile: Profile, **_) -> None:
    if _local(profile):
        queue(activities.update_actor(profile), profile, followers_inboxes(profile))


def send_follow_answer(kind: str, request: FollowRequest) -> None:
    """Accept or Reject a remote profile's follow of a local one."""
    activity = activities.follow_answer(
        kind, request.followee, request.follower, request.activity_id
    )
    queue(activity, request.followee, [_inbox(request.follower)])
