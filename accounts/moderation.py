"""The site admins' moderation actions: suspending and restoring profiles, and the
audit log every moderation action writes (accounts.models.ModerationLog).

A site admin is an active login with `is_staff` or `is_superuser` (what `hashchat
createuser --admin` makes). Reports live with the Mastodon API that files them;
mastodon_api.reports closes them through `record` here, so every moderation
action, whatever app owns its object, lands in the one log.
"""

from django.db import transaction

from accounts.models import ModerationLog, Profile, User
from core.errors import Conflict, InvalidInput, NotAllowed
from live.publish import close_streams_on_commit
from live.streams import access_stream

REASON_MAX = 1000


def is_site_admin(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser)
    )


def check_site_admin(user: User | None) -> None:
    if not is_site_admin(user):
        raise NotAllowed("Only a site admin can moderate.")


def clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"Keep the reason under {REASON_MAX} characters.", field="reason")
    return reason


def record(
    *,
    admin: User,
    action: str,
    target: Profile | None = None,
    report_id: int | None = None,
    reason: str = "",
) -> ModerationLog:
    """Add one entry to the audit log. Call it inside the action's transaction."""
    check_site_admin(admin)
    if action not in ModerationLog.Action.values:
        raise InvalidInput(f"Unknown moderation action {action!r}.")
    return ModerationLog.objects.create(
        moderator=admin,
        moderator_name=admin.get_username(),
        action=action,
        target=target,
        target_handle=target.handle if target else "",
        report_id=report_id,
        reason=clean_reason(reason),
    )


def suspend(*, admin: User, profile: Profile, suspended: bool = True, reason: str = "") -> Profile:
    """A site admin suspends (or restores) a profile, and the audit log says so.

    A suspended profile cannot post or act, its page and posts are gone from every
    surface, and its tokens stop working at once (mastodon_api.auth)."""
    check_site_admin(admin)
    reason = clean_reason(reason)
    action = ModerationLog.Action.SUSPEND if suspended else ModerationLog.Action.UNSUSPEND
    with transaction.atomic():
        # Claimed with a conditional update: two admins acting at once log it once.
        changed = Profile.objects.filter(pk=profile.pk, is_suspended=not suspended).update(
            is_suspended=suspended
        )
        if not changed:
            state = "already suspended" if suspended else "not suspended"
            raise Conflict(f"@{profile.handle} is {state}.")
        record(admin=admin, action=action, target=profile, reason=reason)
        if suspended:
            # Its open streams (user, notifications) end now; reconnecting is refused.
            close_streams_on_commit(access_stream(profile.id))
    profile.is_suspended = suspended
    return profile
