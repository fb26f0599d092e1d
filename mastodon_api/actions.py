"""Writes of the Mastodon API's own models: OAuth applications, authorisation codes,
tokens, timeline markers and reports. Everything else the API changes goes
through accounts.actions and posts.actions."""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlparse

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Profile, User
from accounts.permissions import check_act_as
from core.errors import InvalidInput, NotAllowed, NotFound
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
CODE_LIFETIME = timedelta(minutes=10)
MARKER_TIMELINES = ("home", "notifications")


class OAuthError(Exception):
    """An OAuth 2 error (RFC 6749 section 5.2): `code` such as invalid_grant."""

    def __init__(self, code: str, description: str, status: int = 400):
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status


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


def find_app(client_id: str | None, client_secret: str | None = None) -> Application:
    """The application for client credentials; the secret is checked when given."""
    app = Application.objects.filter(client_id=client_id or "").first()
    if app is None:
        raise OAuthError("invalid_client", "Client authentication failed.", 401)
    if client_secret is not None and not hmac.compare_digest(app.client_secret, client_secret):
        raise OAuthError("invalid_client", "Client authentication failed.", 401)
    return app


def requested_scopes(app: Application, scope: str | None) -> frozenset[str]:
    """The scopes asked for, which must all be within the app's registration."""
    wanted = auth.parse_scopes(scope, default=app.scopes)
    allowed = auth.parse_scopes(app.scopes)
    outside = [s for s in wanted if not auth.has_scope(allowed, s)]
    if outside or auth.unknown_scopes(wanted):
        raise OAuthError("invalid_scope", "The requested scope is invalid, unknown, or malformed.")
    return wanted


def check_redirect_uri(app: Application, redirect_uri: str | None) -> str:
    uris = app.redirect_uri_list
    if not redirect_uri:
        if len(uris) == 1:
            return uris[0]
        raise OAuthError("invalid_request", "redirect_uri is required.")
    if redirect_uri not in uris:
        raise OAuthError("invalid_redirect_uri", "The redirect uri included is not valid.")
    return redirect_uri


def create_authorization_code(
    *,
    user: User,
    profile: Profile,
    app: Application,
    redirect_uri: str,
    scopes: frozenset[str],
    code_challenge: str = "",
    code_challenge_method: str = "",
) -> str:
    """The login consented: a one-time code for `app` to act as `profile`."""
    check_act_as(user, profile)
    if code_challenge and code_challenge_method not in ("S256", "plain", ""):
        raise InvalidInput("code_challenge_method must be S256.")
    code = secrets.token_urlsafe(32)
    AuthorizationCode.objects.create(
        code_digest=digest(code),
        application=app,
        user=user,
        profile=profile,
        redirect_uri=redirect_uri,
        scopes=" ".join(sorted(scopes)),
        code_challenge=code_challenge or "",
        code_challenge_method=(code_challenge_method or "plain") if code_challenge else "",
        expires_at=timezone.now() + CODE_LIFETIME,
    )
    return code


def _issue(
    *, app: Application | None, user: User | None, profile: Profile | None, scopes
) -> IssuedToken:
    access = secrets.token_urlsafe(32)
    refresh = secrets.token_urlsafe(32)
    row = Token.objects.create(
        token_digest=digest(access),
        refresh_digest=digest(refresh) if user is not None else None,
        application=app,
        user=user,
        profile=profile,
        scopes=" ".join(sorted(scopes)),
    )
    return IssuedToken(row=row, access_token=access, refresh_token=refresh if user else "")


def _pkce_ok(row: AuthorizationCode, verifier: str | None) -> bool:
    if not row.code_challenge:
        return True
    if not verifier:
        return False
    if row.code_challenge_method == "S256":
        hashed = hashlib.sha256(verifier.encode()).digest()
        computed = base64.urlsafe_b64encode(hashed).rstrip(b"=").decode()
    else:
        computed = verifier
    return hmac.compare_digest(computed, row.code_challenge)


def exchange_code(
    *,
    client_id: str | None,
    client_secret: str | None,
    code: str | None,
    redirect_uri: str | None,
    code_verifier: str | None,
) -> IssuedToken:
    """authorization_code grant. With PKCE a public client may leave out its secret."""
    app = find_app(client_id, client_secret)
    with transaction.atomic():
        row = (
            AuthorizationCode.objects.select_for_update(of=("self",))
            .select_related("user", "profile")
            .filter(code_digest=digest(code or ""), application=app)
            .first()
        )
        if row is None or row.used_at is not None or row.expires_at < timezone.now():
            raise OAuthError(
                "invalid_grant",
                "The provided authorization grant is invalid, expired, revoked, "
                "does not match the redirection URI used in the authorization request, "
                "or was issued to another client.",
            )
        if redirect_uri and redirect_uri != row.redirect_uri:
            raise OAuthError("invalid_grant", "The redirect_uri does not match.")
        if client_secret is None and not row.code_challenge:
            raise OAuthError("invalid_client", "Client authentication failed.", 401)
        if not _pkce_ok(row, code_verifier):
            raise OAuthError("invalid_grant", "The code_verifier does not match.")
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
        check_act_as(row.user, row.profile)
        return _issue(
            app=app, user=row.user, profile=row.profile, scopes=auth.parse_scopes(row.scopes)
        )


def password_token(
    *,
    client_id: str | None,
    client_secret: str | None,
    username: str,
    password: str,
    scope: str | None,
) -> IssuedToken:
    """password grant: the token acts as the login's personal profile. `username`
    may be the login's username or e-mail address."""
    from accounts.actions import check_login

    app = find_app(client_id, client_secret)
    scopes = requested_scopes(app, scope)
    name = (username or "").strip()
    if "@" in name:
        by_email = User.objects.filter(email__iexact=name).order_by("id").first()
        if by_email is not None:
            name = by_email.username
    try:
        user = check_login(username=name, password=password)
    except (InvalidInput, NotAllowed) as e:
        raise OAuthError("invalid_grant", e.message)
    profile = user.personal_profile
    if profile is None or profile.is_suspended or not user.is_active:
        raise OAuthError("invalid_grant", "This login has no profile it may act as.")
    return _issue(app=app, user=user, profile=profile, scopes=scopes)


def client_token(*, client_id: str | None, client_secret: str | None, scope: str | None):
    """client_credentials grant: an app-only token (no profile)."""
    app = find_app(client_id, client_secret)
    return _issue(app=app, user=None, profile=None, scopes=requested_scopes(app, scope))


def refresh(
    *, client_id: str | None, client_secret: str | None, refresh_token: str | None
) -> IssuedToken:
    """refresh_token grant: a new token pair for the same profile; the old one ends."""
    app = find_app(client_id, client_secret)
    with transaction.atomic():
        row = (
            Token.objects.select_for_update(of=("self",))
            .select_related("user", "profile")
            .filter(
                refresh_digest=digest(refresh_token or ""),
                application=app,
                revoked_at__isnull=True,
            )
            .first()
        )
        if row is None or row.user is None or row.profile is None:
            raise OAuthError("invalid_grant", "The refresh token is invalid.")
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        return _issue(
            app=app, user=row.user, profile=row.profile, scopes=auth.parse_scopes(row.scopes)
        )


def revoke(*, client_id: str | None, client_secret: str | None, token: str | None) -> None:
    """/oauth/revoke: end an access token (or the one a refresh token belongs to).
    Unknown tokens are not an error (RFC 7009)."""
    app = find_app(client_id, client_secret)
    value = digest(token or "")
    Token.objects.filter(application=app, revoked_at__isnull=True, token_digest=value).update(
        revoked_at=timezone.now()
    )
    Token.objects.filter(application=app, revoked_at__isnull=True, refresh_digest=value).update(
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
