"""Writes of the Mastodon API's own models: OAuth applications and tokens (the OAuth
protocol itself is mastodon_api.oauth's, on oauthlib), timeline markers and reports.
Everything else the API changes goes through accounts.actions and posts.actions."""

import secrets
from dataclasses import dataclass
from urllib.parse import urlparse

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Profile, User
from accounts.permissions import check_act_as
from core.errors import InvalidInput, NotFound
from mastodon_api import auth
from mastodon_api.models import (
    Application,
    AuthorizationCode,
    Marker,
    Report,
    Token,
    digest,
)
from posts.models import Post

OOB = "urn:ietf:wg:oauth:2.0:oob"
MARKER_TIMELINES = ("home", "notifications")


@dataclass
class IssuedToken:
    row: Token
    access_token: str
    refresh_token: str


def _check_redirect_uris(uris: list[str]) -> list[str]:
    if not uris:
        raise InvalidInput("redirect_uris can't be blank", field="redirect_uris")
    for uri in uris:
        if uri == OOB:
            continue
        parsed = urlparse(uri)
        if not parsed.scheme or (parsed.scheme in ("http", "https") and not parsed.netloc):
            raise InvalidInput(f"{uri} is not a valid redirect URI", field="redirect_uris")
        if parsed.scheme.lower() in ("javascript", "data", "vbscript"):
            raise InvalidInput(f"{uri} is not a valid redirect URI", field="redirect_uris")
    return uris


def register_app(
    *, name: str, redirect_uris: list[str], scopes: str, website: str = ""
) -> Application:
    """POST /api/v1/apps: a new OAuth client with its id and secret."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("client_name can't be blank", field="client_name")
    if len(name) > 200:
        raise InvalidInput("client_name is too long (at most 200 characters)")
    uris = _check_redirect_uris([u.strip() for u in redirect_uris if u and u.strip()])
    wanted = auth.parse_scopes(scopes)
    bad = auth.unknown_scopes(wanted)
    if bad:
        raise InvalidInput(f"Unknown scope: {', '.join(bad)}", field="scopes")
    return Application.objects.create(
        name=name,
        website=(website or "")[:300],
        redirect_uris="\n".join(uris),
        scopes=" ".join(sorted(wanted)),
        client_id=secrets.token_urlsafe(32),
        client_secret=secrets.token_urlsafe(32),
    )


def store_token(
    *,
    access_token: str,
    refresh_token: str | None,
    app: Application | None,
    user: User | None,
    profile: Profile | None,
    scopes: frozenset[str],
    authorization_code: AuthorizationCode | None = None,
) -> Token:
    """Keep a token that was just issued (by mastodon_api.oauth): its digests only. A
    token with a login acts as exactly `profile`, which the login must manage."""
    if user is not None:
        if profile is None:
            raise InvalidInput("A token for a login acts as one of its profiles.")
        check_act_as(user, profile)
    return Token.objects.create(
        token_digest=digest(access_token),
        refresh_digest=digest(refresh_token) if refresh_token else None,
        application=app,
        user=user,
        profile=profile,
        scopes=" ".join(sorted(scopes)),
        authorization_code=authorization_code,
    )


def issue_token(
    *, app: Application | None, user: User | None, profile: Profile | None, scopes
) -> IssuedToken:
    """A new token pair for `profile` without an OAuth exchange (the test suite, the
    benchmarks): what the token endpoint stores, with fresh random values."""
    access = secrets.token_urlsafe(32)
    refresh = secrets.token_urlsafe(32) if user is not None else ""
    row = store_token(
        access_token=access,
        refresh_token=refresh or None,
        app=app,
        user=user,
        profile=profile,
        scopes=frozenset(scopes),
    )
    return IssuedToken(row=row, access_token=access, refresh_token=refresh)


def revoke(*, app: Application, token: str | None) -> None:
    """/oauth/revoke: end an access token (or the one a refresh token belongs to) of
    `app`. Unknown tokens are not an error (RFC 7009)."""
    value = digest(token or "")
    live = Token.objects.filter(application=app, revoked_at__isnull=True)
    live.filter(token_digest=value).update(revoked_at=timezone.now())
    live.filter(refresh_digest=value).update(revoked_at=timezone.now())


def revoke_tokens_of_code(code: AuthorizationCode) -> int:
    """End every token issued from an authorisation code, and those refreshed from
    them (they keep the code): the code was presented a second time."""
    return Token.objects.filter(authorization_code=code, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def save_markers(*, user: User, profile: Profile, positions: dict[str, str]) -> list[Marker]:
    """POST /api/v1/markers: where `profile` stopped reading each timeline."""
    check_act_as(user, profile)
    saved = []
    with transaction.atomic():
        for timeline, last_read_id in positions.items():
            if timeline not in MARKER_TIMELINES:
                continue
            value = str(last_read_id or "").strip()
            if not value.isdigit():
                raise InvalidInput(f"{timeline}[last_read_id] must be an id.")
            marker, created = Marker.objects.get_or_create(
                profile=profile, timeline=timeline, defaults={"last_read_id": value}
            )
            if not created:
                Marker.objects.filter(pk=marker.pk).update(
                    last_read_id=value, version=F("version") + 1, updated_at=timezone.now()
                )
                marker.refresh_from_db()
            saved.append(marker)
    return saved


def file_report(
    *,
    user: User,
    profile: Profile,
    target: Profile,
    post_ids: list[int],
    comment: str = "",
    category: str = "other",
    rule_ids: list | None = None,
) -> Report:
    """POST /api/v1/reports: `profile` reports `target` (and some of its posts) to the
    site's moderators."""
    check_act_as(user, profile)
    if target.id == profile.id:
        raise InvalidInput("You cannot report yourself.")
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise InvalidInput("The comment can have at most 1000 characters.", field="comment")
    if category not in Report.Category.values:
        raise InvalidInput("category must be spam, legal, violation or other.", field="category")
    posts = list(Post.objects.filter(id__in=post_ids, author=target))
    if len(posts) != len(set(post_ids)):
        raise NotFound("Some of the reported statuses are not by this account.")
    with transaction.atomic():
        report = Report.objects.create(
            reporter=profile,
            target=target,
            comment=comment,
            category=category,
            rule_ids=[str(r) for r in (rule_ids or [])],
        )
        report.posts.set(posts)
    return report
