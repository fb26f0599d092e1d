"""Notification actions: `notify` (used by the other actions and by other apps,
e.g. chat reminders), and reading, dismissing and clearing them."""

from django.utils import timezone

from accounts.models import Block, Mute, Profile, User
from accounts.permissions import check_act_as
from core.errors import NotFound
from live.publish import publish_on_commit
from posts.models import Notification, Post


def notify(
    *,
    recipient: Profile,
    kind: str,
    actor: Profile | None = None,
    post: Post | None = None,
    message: str = "",
    link: str = "",
    silenced: set[int] | None = None,
) -> Notification | None:
    """A notification for `recipient`, unless it comes from itself or from a profile
    it blocks or mutes (with notifications). `silenced`, when given, is what
    `silenced_by` answered for the recipients, read before the write transaction."""
    if actor is not None:
        if actor.id == recipient.id:
            return None
        if silenced is None:
            silenced = silenced_by([recipient.id], actor)
        if recipient.id in silenced:
            return None
    note = Notification.objects.create(
        recipient=recipient, kind=kind, actor=actor, post=post, message=message, link=link
    )
    publish_on_commit(
        f"user:{recipient.id}",
        {"type": "notification.created", "notification_id": str(note.id), "kind": kind},
    )
    return note


def silenced_by(recipient_ids: list[int], actor: Profile) -> set[int]:
    """Which of the recipients block `actor` or mute its notifications, in one query."""
    if not recipient_ids:
        return set()
    blocked = Block.objects.filter(profile_id__in=recipient_ids, target=actor).values("profile_id")
    muted = Mute.objects.filter(
        profile_id__in=recipient_ids, target=actor, notifications=True
    ).values("profile_id")
    return set(blocked.union(muted).values_list("profile_id", flat=True))


def mark_notifications_read(*, user: User, profile: Profile, up_to: int | None = None) -> int:
    """Mark `profile`'s unread notifications read: all of them, or (`up_to`, the
    newest one a page showed) those up to that one, so none that arrived since is
    marked read unseen."""
    check_act_as(user, profile)
    unread = Notification.objects.filter(recipient=profile, read_at__isnull=True)
    if up_to is not None:
        unread = unread.filter(pk__lte=up_to)
    return unread.update(read_at=timezone.now())


def dismiss_notification(*, user: User, profile: Profile, notification_id: int) -> None:
    check_act_as(user, profile)
    updated = Notification.objects.filter(
        recipient=profile, pk=notification_id, dismissed_at__isnull=True
    ).update(dismissed_at=timezone.now(), read_at=timezone.now())
    if not updated:
        raise NotFound("No such notification.")


def clear_notifications(*, user: User, profile: Profile) -> None:
    check_act_as(user, profile)
    Notification.objects.filter(recipient=profile, dismissed_at__isnull=True).update(
        dismissed_at=timezone.now(), read_at=timezone.now()
    )
