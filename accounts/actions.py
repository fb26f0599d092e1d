"""Writes about logins and profiles. Views and APIs call these; nothing else saves
an accounts model."""

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from accounts import hooks, login_limits, signals
from accounts.avatars import resize_avatar
from accounts.models import (
    Block,
    Follow,
    Membership,
    Mute,
    Profile,
    User,
    handle_validator,
    validate_timezone,
)
from accounts.moderation import suspend as suspend  # the admins' actions: accounts/moderation.py
from accounts.permissions import check_act_as, check_owner
from core import ratelimit
from core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from live.publish import publish_on_commit

PROFILE_FIELDS = ("display_name", "bio", "location", "timezone", "website")


def _check_handle(handle: str) -> str:
    handle = (handle or "").strip().lstrip("@")
    try:
        handle_validator(handle)
    except ValidationError as e:
        raise InvalidInput(e.messages[0], field="handle")
    if Profile.objects.filter(handle__iexact=handle).exists():
        raise Conflict(f"The handle @{handle} is taken.", field="handle")
    return handle


def handle_problem(handle: str) -> str | None:
    """What is wrong with `handle` for a new profile, in plain words (None: nothing),
    so that a form can show it with its other mistakes."""
    try:
        _check_handle(handle)
    except (InvalidInput, Conflict) as e:
        return e.message
    return None


def password_problem(password: str, user: User) -> str | None:
    """What is wrong with `password` for `user` (None: nothing)."""
    try:
        validate_password(password, user)
    except ValidationError as e:
        return " ".join(e.messages)
    return None


def _check_profile_fields(fields: dict) -> dict:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown profile field: {', '.join(sorted(unknown))}.")
    limits = {"display_name": 100, "bio": 500, "location": 100, "website": 200}
    clean = {}
    for name, value in fields.items():
        value = (value or "").strip()
        if name in limits and len(value) > limits[name]:
            raise InvalidInput(
                f"{name.replace('_', ' ').capitalize()} is longer than {limits[name]} characters.",
                field=name,
            )
        if name == "timezone":
            value = value or "UTC"
            try:
                validate_timezone(value)
            except ValidationError as e:
                raise InvalidInput(e.messages[0], field="timezone")
        if name == "website" and value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                raise InvalidInput(
                    "The website must be an http:// or https:// address.", field=name
                )
        clean[name] = value
    return clean


def sign_up(
    *, username: str, email: str, password: str, handle: str | None = None, **profile_fields
) -> User:
    """A new login with its personal profile (handle defaults to the username)."""
    username = (username or "").strip()
    if not username:
        raise InvalidInput("Choose a username.", field="username")
    try:
        User.username_validator(username)
    except ValidationError:
        raise InvalidInput("A username is letters, digits and @ . + - _ only.", field="username")
    email = (email or "").strip()
    try:
        EmailValidator()(email)
    except ValidationError:
        raise InvalidInput("Enter a valid e-mail address.", field="email")
    handle = _check_handle(handle or username)
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(f"The username {username} is taken.", field="username")
    fields = _check_profile_fields(profile_fields)
    candidate = User(username=username, email=email)
    try:
        validate_password(password, candidate)
    except ValidationError as e:
        raise InvalidInput(" ".join(e.messages), field="password")
    # Sign-ups per client IP (nothing is counted outside a client request).
    ratelimit.limit_client("signup:ip", message="Too many sign-ups from your network.")
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, email=email, password=password)
            profile = Profile.objects.create(handle=handle, kind=Profile.Kind.PERSONAL, **fields)
            Membership.objects.create(user=user, profile=profile, role=Membership.Role.OWNER)
    except IntegrityError:
        raise Conflict("That username or handle was just taken; choose another.", field="handle")
    return user


def create_user(*, username: str, email: str, password: str, admin: bool = False) -> User:
    """For `hashchat createuser`: like sign_up, but the site admin decides the password."""
    user = sign_up(username=username, email=email, password=password)
    if admin:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return user


def change_password(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise InvalidInput("Your current password is not right.", field="old_password")
    try:
        validate_password(new_password, user)
    except ValidationError as e:
        raise InvalidInput(" ".join(e.messages), field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])


def check_login(*, username: str, password: str) -> User:
    """The login for these credentials. Attempts are counted per username and client
    address (accounts.login_limits); every failure, whether the username is unknown,
    the password wrong or the attempts used up, raises the same InvalidInput."""
    login_limits.count_attempt(username or "")
    user = User.objects.filter(username__iexact=(username or "").strip()).first()
    # authenticate() checks a password for unknown usernames too (the same work).
    found = authenticate(username=user.username if user else username, password=password)
    if found is None or user is None:
        raise login_limits.failed()
    login_limits.succeeded(username)
    return user


def create_organisation(*, user: User, handle: str, **profile_fields) -> Profile:
    """An organisation profile, owned by `user`."""
    if not user.is_authenticated:
        raise NotAllowed("Log in to create an organisation profile.")
    handle = _check_handle(handle)
    fields = _check_profile_fields(profile_fields)
    try:
        with transaction.atomic():
            profile = Profile.objects.create(
                handle=handle, kind=Profile.Kind.ORGANISATION, **fields
            )
            Membership.objects.create(user=user, profile=profile, role=Membership.Role.OWNER)
    except IntegrityError:
        raise Conflict(f"The handle @{handle} is taken.", field="handle")
    return profile


def update_profile(
    *, user: User, profile: Profile, avatar=None, remove_avatar=False, **fields
) -> Profile:
    check_act_as(user, profile)
    clean = _check_profile_fields(fields)
    new_avatar = resize_avatar(avatar) if avatar else None
    with transaction.atomic():
        for name, value in clean.items():
            setattr(profile, name, value)
        changed = list(clean)
        if new_avatar is not None:
            profile.avatar.save(new_avatar.name or "avatar.png", new_avatar, save=False)
            changed.append("avatar")
        elif remove_avatar and profile.avatar:
            profile.avatar = ""
            changed.append("avatar")
        if changed:
            profile.save(update_fields=changed)
    publish_on_commit(
        f"profile:{profile.id}", {"type": "profile.updated", "profile_id": str(profile.id)}
    )
    signals.send_on_commit(signals.profile_updated, profile=profile)
    return profile


def set_follow_approval(*, user: User, profile: Profile, required: bool) -> Profile:
    """Whether new followers (from other servers) wait for the profile's approval."""
    check_act_as(user, profile)
    if profile.manually_approves_followers != required:
        profile.manually_approves_followers = required
        profile.save(update_fields=["manually_approves_followers"])
        signals.send_on_commit(signals.profile_updated, profile=profile)
    return profile


def set_transcript_consent(*, user: User, profile: Profile, exclude: bool) -> Profile:
    check_act_as(user, profile)
    profile.exclude_from_transcripts = exclude
    profile.save(update_fields=["exclude_from_transcripts"])
    return profile


def add_member(*, user: User, profile: Profile, username: str, role: str = "manager") -> Membership:
    """An owner adds another login to an organisation profile."""
    check_owner(user, profile)
    if not profile.is_organisation:
        raise InvalidInput("Only organisation profiles have members.")
    if role not in Membership.Role.values:
        raise InvalidInput("The role must be owner or manager.", field="role")
    member = User.objects.filter(username__iexact=(username or "").strip()).first()
    if member is None:
        raise NotFound(f"There is no login called “{username}”.", field="username")
    membership, created = Membership.objects.get_or_create(
        user=member, profile=profile, defaults={"role": role}
    )
    if not created:
        raise Conflict(f"{member.username} is already a member of @{profile.handle}.")
    return membership


def remove_member(*, user: User, profile: Profile, member: User) -> None:
    """Takes effect at once: the removed login can no longer act as the profile."""
    check_owner(user, profile)
    if profile.kind == Profile.Kind.PERSONAL:
        raise InvalidInput("A personal profile has no other members.")
    membership = Membership.objects.filter(user=member, profile=profile).first()
    if membership is None:
        raise NotFound(f"{member.username} is not a member of @{profile.handle}.")
    if membership.role == Membership.Role.OWNER:
        owners = Membership.objects.filter(profile=profile, role=Membership.Role.OWNER).count()
        if owners <= 1:
            raise InvalidInput("An organisation profile needs at least one owner.")
    membership.delete()


def set_member_role(*, user: User, profile: Profile, member: User, role: str) -> Membership:
    check_owner(user, profile)
    if role not in Membership.Role.values:
        raise InvalidInput("The role must be owner or manager.", field="role")
    membership = Membership.objects.filter(user=member, profile=profile).first()
    if membership is None:
        raise NotFound(f"{member.username} is not a member of @{profile.handle}.")
    if (
        membership.role == Membership.Role.OWNER
        and role != Membership.Role.OWNER
        and Membership.objects.filter(profile=profile, role=Membership.Role.OWNER).count() <= 1
    ):
        raise InvalidInput("An organisation profile needs at least one owner.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def follow(*, user: User, profile: Profile, target: Profile) -> Follow:
    check_act_as(user, profile)
    if profile.id == target.id:
        raise InvalidInput("A profile cannot follow itself.")
    if Block.objects.filter(profile=target, target=profile).exists():
        raise NotAllowed(f"@{target.handle} has blocked @{profile.handle}.")
    with transaction.atomic():
        row, created = Follow.objects.get_or_create(follower=profile, followee=target)
        if created:
            _count_follows(profile, target, 1)
            hooks.followed(profile, target)  # posts notifies the followee
            signals.send_on_commit(signals.follow_created, follow=row)
    return row


def unfollow(*, user: User, profile: Profile, target: Profile) -> None:
    check_act_as(user, profile)
    with transaction.atomic():
        end_follow(profile, target)


def remove_follower(*, user: User, profile: Profile, follower: Profile) -> None:
    """`profile` ends `follower`'s follow (a remote server rejecting a follow, too)."""
    check_act_as(user, profile)
    with transaction.atomic():
        end_follow(follower, profile)


def end_follow(follower: Profile, followee: Profile) -> None:
    """End a follow, keeping both profiles' counts (inside the caller's checks)."""
    deleted, _ = Follow.objects.filter(follower=follower, followee=followee).delete()
    if deleted:
        _count_follows(follower, followee, -1)
        signals.send_on_commit(signals.follow_removed, follower=follower, followee=followee)


def _count_follows(follower: Profile, followee: Profile, change: int) -> None:
    """Keep Profile.following_count and follower_count, in the follow's transaction,
    on the rows and on these instances (which the answer may show)."""
    floor = Value(0)
    Profile.objects.filter(pk=follower.pk).update(
        following_count=Greatest(F("following_count") + change, floor)
    )
    Profile.objects.filter(pk=followee.pk).update(
        follower_count=Greatest(F("follower_count") + change, floor)
    )
    follower.following_count = max(0, follower.following_count + change)
    followee.follower_count = max(0, followee.follower_count + change)


def block(*, user: User, profile: Profile, target: Profile) -> Block:
    check_act_as(user, profile)
    if profile.id == target.id:
        raise InvalidInput("A profile cannot block itself.")
    with transaction.atomic():
        row, created = Block.objects.get_or_create(profile=profile, target=target)
        # A block ends following both ways, as on Mastodon.
        end_follow(profile, target)
        end_follow(target, profile)
        if created:
            signals.send_on_commit(signals.block_created, profile=profile, target=target)
    return row


def unblock(*, user: User, profile: Profile, target: Profile) -> None:
    check_act_as(user, profile)
    with transaction.atomic():
        deleted, _ = Block.objects.filter(profile=profile, target=target).delete()
        if deleted:
            signals.send_on_commit(signals.block_removed, profile=profile, target=target)


def mute(*, user: User, profile: Profile, target: Profile, notifications: bool = True) -> Mute:
    check_act_as(user, profile)
    if profile.id == target.id:
        raise InvalidInput("A profile cannot mute itself.")
    row, created = Mute.objects.get_or_create(
        profile=profile, target=target, defaults={"notifications": notifications}
    )
    if not created and row.notifications != notifications:
        row.notifications = notifications
        row.save(update_fields=["notifications"])
    return row


def unmute(*, user: User, profile: Profile, target: Profile) -> None:
    check_act_as(user, profile)
    Mute.objects.filter(profile=profile, target=target).delete()
