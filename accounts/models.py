"""Logins, profiles and who may act as which profile.

A login (User) never posts by itself: every post, like and follow is made as a
Profile. A login owns one personal profile and may manage organisation
profiles (HKLibConnect) through Membership rows.
"""

import functools
import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from core.fields import SnowflakeField

HANDLE_RE = r"^[A-Za-z0-9_]{1,30}$"
handle_validator = RegexValidator(
    HANDLE_RE, "A handle is 1 to 30 letters (A-Z), digits or underscores."
)


@functools.cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in known_timezones():
        raise ValidationError(f"“{value}” is not a known IANA timezone (e.g. Asia/Hong_Kong).")


class User(AbstractUser):
    # Failed logins are counted by the login limits (accounts/login_limits.py), not here.

    @property
    def personal_profile(self) -> "Profile | None":
        return (
            Profile.objects.filter(
                kind=Profile.Kind.PERSONAL, memberships__user=self, memberships__role="owner"
            )
            .order_by("id")
            .first()
        )


class ProfileQuerySet(models.QuerySet):
    def managed_by(self, user) -> "ProfileQuerySet":
        """Profiles this login may act as (personal and organisations it owns or manages)."""
        if not user or not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, is_suspended=False).distinct()

    def by_handle(self, handle: str) -> "ProfileQuerySet":
        return self.filter(handle__iexact=handle.lstrip("@"))


class Profile(models.Model):
    class Kind(models.TextChoices):
        PERSONAL = "personal", "Personal"
        ORGANISATION = "organisation", "Organisation"
        # A series' own account (@libchat): nobody logs in as it; the server boosts
        # the chat's posts with it and follows back its followers (chats.accounts).
        CHAT = "chat", "Chat account"

    id = SnowflakeField()
    # Unique case-insensitively (see the constraint below); shown as typed. A local
    # handle is 1-30 of [A-Za-z0-9_] (checked by accounts.actions); a remote profile's
    # is user@domain.
    handle = models.CharField(max_length=255, validators=[handle_validator])
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PERSONAL)
    display_name = models.CharField(max_length=100, blank=True)
    bio = models.TextField(max_length=500, blank=True)
    location = models.CharField(max_length=100, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    website = models.URLField(max_length=200, blank=True)
    # Resized to at most 400x400 on upload; when empty, initials are drawn instead.
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    # "Leave my posts out of transcripts and exports" (consent, see transcripts).
    exclude_from_transcripts = models.BooleanField(default=False)
    # Set by a site admin: the profile can no longer post or act.
    is_suspended = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept in the same transaction as each change (posts.stats, accounts.actions), so
    # that an account's counts cost nothing to show however many posts it has: posts
    # neither deleted nor hidden, the newest one's time, and follows both ways.
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_post_at = models.DateTimeField(null=True, blank=True, editable=False)
    follower_count = models.PositiveIntegerField(default=0, editable=False)
    following_count = models.PositiveIntegerField(default=0, editable=False)
    # Follows need the profile's approval (ActivityPub's manuallyApprovesFollowers).
    manually_approves_followers = models.BooleanField(default=False)

    # A remote profile (federation/) has its server's domain here; local ones have "".
    # The rest describe the remote actor as last fetched; local profiles leave them empty.
    domain = models.CharField(max_length=255, blank=True, db_index=True)
    # The actor's id (its canonical URL) and its page for people.
    uri = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=500, blank=True)
    inbox_url = models.CharField(max_length=500, blank=True)
    shared_inbox_url = models.CharField(max_length=500, blank=True)
    followers_url = models.CharField(max_length=500, blank=True)
    # Kept, not shown: pages draw initials rather than load images from other servers.
    remote_avatar_url = models.CharField(max_length=500, blank=True)
    # The key that signs its requests, and when the actor was last fetched.
    public_key_id = models.CharField(max_length=500, blank=True)
    public_key_pem = models.TextField(blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("handle"), name="profile_handle_ci_unique"),
            models.UniqueConstraint(
                fields=["uri"], condition=~Q(uri=""), name="profile_remote_uri_unique"
            ),
        ]
        indexes = [
            # Every signed request to an inbox finds its sender by key id.
            models.Index(
                fields=["public_key_id"], condition=~Q(public_key_id=""), name="profile_key_id_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"

    @property
    def name(self) -> str:
        return self.display_name or self.handle

    @property
    def initials(self) -> str:
        words = [w for w in self.name.replace("_", " ").split() if w]
        letters = "".join(w[0] for w in words[:2]) or self.handle[:1]
        return letters.upper()

    @property
    def is_remote(self) -> bool:
        return bool(self.domain)

    @property
    def is_organisation(self) -> bool:
        return self.kind == self.Kind.ORGANISATION

    @property
    def is_chat_account(self) -> bool:
        return self.kind == self.Kind.CHAT

    def avatar_url(self) -> str:
        if self.avatar:
            return self.avatar.url
        if self.remote_avatar_url:
            # A remote profile's picture, on its own server (hashchat keeps no copy).
            return self.remote_avatar_url
        return reverse("avatar-initials", args=[self.handle])


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MANAGER = "manager", "Manager"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MANAGER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "profile"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} of {self.profile_id}"


class Follow(models.Model):
    follower = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="following_set")
    followee = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="follower_set")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_unique")
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followee_id}"


class Block(models.Model):
    """`profile` no longer sees `target`, and `target` cannot interact with `profile`."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="blocks")
    target = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="blocked_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "target"], name="block_unique")]

    def __str__(self) -> str:
        return f"{self.profile_id} blocks {self.target_id}"


class Mute(models.Model):
    """`profile` no longer sees `target`'s posts (and, optionally, notifications)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="mutes")
    target = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="muted_by")
    notifications = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "target"], name="mute_unique")]

    def __str__(self) -> str:
        return f"{self.profile_id} mutes {self.target_id}"


class ModerationLog(models.Model):
    """The audit log: one row for every moderation action a site admin takes (who,
    what, when, why), written by the action in the same transaction. Rows are never
    changed or deleted; names are copied so the log still reads after a deletion."""

    class Action(models.TextChoices):
        SUSPEND = "suspend", "Suspended a profile"
        UNSUSPEND = "unsuspend", "Lifted a suspension"
        RESOLVE = "resolve", "Resolved a report"
        DISMISS = "dismiss", "Dismissed a report"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    moderator = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    moderator_name = models.CharField(max_length=150)
    action = models.CharField(max_length=16, choices=Action.choices)
    target = models.ForeignKey(Profile, on_delete=models.SET_NULL, null=True, related_name="+")
    target_handle = models.CharField(max_length=30, blank=True)
    # The report acted on (a mastodon_api Report: an id only, as accounts sits below).
    report_id = models.BigIntegerField(null=True, blank=True)
    reason = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.moderator_name} {self.action} @{self.target_handle}"
