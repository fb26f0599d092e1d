"""OAuth 2 on oauthlib: hashchat's RequestValidator (what oauthlib asks of our
storage and policy) and the endpoints built from oauthlib's own classes.

oauthlib runs the protocol (RFC 6749 grants, RFC 7636 PKCE, RFC 7009 revocation,
RFC 8414 metadata); this module answers its questions from hashchat's models:
which apps exist, which redirect URIs and scopes they registered, which profile a
code or token acts as. Tokens and codes are stored as SHA-256 digests only
(mastodon_api.models.digest), so a leaked database holds no usable credential.

Policy on top of the RFCs, as Mastodon behaves:
- PKCE: only S256 ("plain" is refused at the authorisation request).
- A code is good once, for ten minutes; presenting it again revokes every token
  issued from it (and the tokens refreshed from those).
- A token request must repeat the redirect_uri sent with the authorisation request.
- Scopes are Mastodon's granular ones ("read" covers "read:statuses"); scopes that
  name something hashchat does not have (push) are accepted from clients that ask
  for them by habit, but never granted; the admin API's (admin:read, admin:write,
  for domain blocks) are granted to site admins' logins only.
- The password grant acts as the login's personal profile; the authorisation code
  grant as the profile the login chose on the consent page.

The bearer check on every API request is not oauthlib's ResourceEndpoint but
mastodon_api.auth.find_token: one SQL query by digest (docs/performance.md).
"""

import base64
import functools
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from oauthlib.common import Request
from oauthlib.oauth2 import (
    AuthorizationCodeGrant,
    AuthorizationEndpoint,
    BearerToken,
    ClientCredentialsGrant,
    MetadataEndpoint,
    RefreshTokenGrant,
    RequestValidator,
    ResourceOwnerPasswordCredentialsGrant,
    RevocationEndpoint,
    TokenEndpoint,
)
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.utils import scope_to_list

from accounts.actions import check_login
from accounts.models import User
from accounts.permissions import check_act_as
from core.errors import ActionError
from mastodon_api import actions, auth
from mastodon_api.models import Application, AuthorizationCode, Token, digest

CODE_LIFETIME = timedelta(minutes=10)
GRANT_TYPES = ("authorization_code", "password", "client_credentials", "refresh_token")


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(header[6:].strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return client_id, secret


class CodeUsedMeanwhile(errors.InvalidGrantError):
    """Another exchange of the same code finished while this one ran."""

    def __init__(self, code_row: AuthorizationCode, **kwargs):
        super().__init__(**kwargs)
        self.code_row = code_row


class Validator(RequestValidator):
    """hashchat's answers to oauthlib's questions (see oauthlib's RequestValidator)."""

    # ----- clients -------------------------------------------------------------------

    def _app(self, client_id: str | None) -> Application | None:
        if not client_id:
            return None
        return Application.objects.filter(client_id=client_id).first()

    def validate_client_id(self, client_id, request, *args, **kwargs) -> bool:
        request.client = self._app(client_id)
        return request.client is not None

    def client_authentication_required(self, request, *args, **kwargs) -> bool:
        """Every grant needs the client's secret, except a code exchanged with its PKCE
        verifier by a public client (a phone app cannot keep a secret)."""
        if request.grant_type != "authorization_code" or request.client_secret:
            return True
        if _basic_credentials(request) is not None:
            return True
        row = self._code(request.client_id, request.code)
        return row is None or not row.code_challenge

    def authenticate_client(self, request, *args, **kwargs) -> bool:
        basic = _basic_credentials(request)
        client_id, secret = basic if basic else (request.client_id, request.client_secret)
        app = self._app(client_id)
        if app is None or not secret or not secrets.compare_digest(app.client_secret, secret):
            return False
        request.client = app
        request.client_id = app.client_id
        return True

    def authenticate_client_id(self, client_id, request, *args, **kwargs) -> bool:
        return self.validate_client_id(client_id, request)

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        return grant_type in GRANT_TYPES

    def validate_response_type(self, client_id, response_type, client, request, *args, **kw):
        return response_type == "code"

    # ----- redirect URIs -------------------------------------------------------------

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        app = request.client or self._app(client_id)
        return app is not None and redirect_uri in app.redirect_uri_list

    def get_default_redirect_uri(self, client_id, request, *args, **kwargs):
        app = request.client or self._app(client_id)
        uris = app.redirect_uri_list if app else []
        return uris[0] if len(uris) == 1 else None

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request, *a, **kw):
        """RFC 6749 4.1.3: a redirect_uri sent with the authorisation request must be
        sent again, identical, with the token request."""
        row = getattr(request, "code_row", None)
        if row is None:
            return False
        if row.redirect_uri_given and request.using_default_redirect_uri:
            return False
        return redirect_uri == row.redirect_uri

    # ----- scopes --------------------------------------------------------------------

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        app = request.client or self._app(client_id)
        return sorted(auth.parse_scopes(app.scopes)) if app else []

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs) -> bool:
        """Known scopes within the app's registration; what is granted leaves out the
        scopes of features hashchat does not have."""
        app = client or request.client
        wanted = auth.parse_scopes(" ".join(scopes or []), default=app.scopes)
        allowed = auth.parse_scopes(app.scopes)
        if auth.unknown_scopes(wanted) or not all(auth.has_scope(allowed, s) for s in wanted):
            return False
        granted = auth.grantable(wanted, getattr(request, "user", None))
        if not granted:
            return False
        request.scopes = sorted(granted)
        return True

    def get_original_scopes(self, refresh_token, request, *args, **kwargs):
        return scope_to_list(request.refresh_row.scopes)

    # ----- authorisation codes -------------------------------------------------------

    def _code(self, client_id: str | None, code: str | None) -> AuthorizationCode | None:
        if not code:
            return None
        return (
            AuthorizationCode.objects.select_related("user", "profile", "application")
            .filter(code_digest=digest(code), application__client_id=client_id or "")
            .first()
        )

    def save_authorization_code(self, client_id, code, request, *args, **kwargs) -> None:
        check_act_as(request.user, request.profile)
        AuthorizationCode.objects.create(
            code_digest=digest(code["code"]),
            application=request.client,
            user=request.user,
            profile=request.profile,
            redirect_uri=request.redirect_uri,
            redirect_uri_given=not request.using_default_redirect_uri,
            scopes=" ".join(request.scopes),
            code_challenge=request.code_challenge or "",
            code_challenge_method=(request.code_challenge_method or "S256")
            if request.code_challenge
            else "",
            expires_at=timezone.now() + CODE_LIFETIME,
        )

    def validate_code(self, client_id, code, client, request, *args, **kwargs) -> bool:
        row = self._code(client_id, code)
        if row is None or row.expires_at < timezone.now():
            return False
        if row.used_at is not None:
            # RFC 6749 4.1.2: a code presented twice was stolen or replayed; the
            # tokens issued from it end now.
            actions.revoke_tokens_of_code(row)
            return False
        if row.user is None or not row.user.is_active or row.profile.is_suspended:
            return False
        request.code_row = row
        request.user = row.user
        request.profile = row.profile
        request.scopes = scope_to_list(row.scopes)
        return True

    def get_code_challenge(self, code, request):
        row = getattr(request, "code_row", None)
        return (row.code_challenge or None) if row else None

    def get_code_challenge_method(self, code, request):
        row = getattr(request, "code_row", None)
        return (row.code_challenge_method or None) if row else None

    def is_pkce_required(self, client_id, request) -> bool:
        return False

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs) -> None:
        """Mark the code used. Two exchanges racing each other: only one marks it, and
        the other is refused (its transaction, token included, is rolled back)."""
        marked = AuthorizationCode.objects.filter(
            pk=request.code_row.pk, used_at__isnull=True
        ).update(used_at=timezone.now())
        if not marked:
            raise CodeUsedMeanwhile(request.code_row, request=request)

    # ----- the password grant --------------------------------------------------------

    def validate_user(self, username, password, client, request, *args, **kwargs) -> bool:
        """The login's credentials (username or e-mail), through the same check and
        limits as the login page; the token acts as the personal profile."""
        name = (username or "").strip()
        if "@" in name:
            by_email = User.objects.filter(email__iexact=name).order_by("id").first()
            name = by_email.username if by_email else name
        try:
            user = check_login(username=name, password=password)
        except ActionError:
            return False
        profile = user.personal_profile
        if profile is None or profile.is_suspended or not user.is_active:
            return False
        request.user, request.profile = user, profile
        return True

    # ----- tokens --------------------------------------------------------------------

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs) -> bool:
        row = (
            Token.objects.select_related("user", "profile")
            .filter(
                refresh_digest=digest(refresh_token or ""),
                application=client,
                revoked_at__isnull=True,
            )
            .first()
        )
        if row is None or row.user is None or row.profile is None:
            return False
        request.refresh_row = row
        request.user, request.profile = row.user, row.profile
        return True

    def save_bearer_token(self, token, request, *args, **kwargs) -> None:
        refreshed = getattr(request, "refresh_row", None)
        code_row = getattr(request, "code_row", None)
        if refreshed is not None:
            check_act_as(refreshed.user, refreshed.profile)
            Token.objects.filter(pk=refreshed.pk).update(revoked_at=timezone.now())
            code_row = refreshed.authorization_code
        user = getattr(request, "user", None)
        row = actions.store_token(
            access_token=token["access_token"],
            refresh_token=token.get("refresh_token") if user is not None else None,
            app=request.client,
            user=user,
            profile=getattr(request, "profile", None),
            scopes=frozenset(request.scopes or []),
            authorization_code=code_row,
        )
        request.token_row = row

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs) -> None:
        actions.revoke(app=request.client, token=token)


def _token_value(request: Request) -> str:
    return secrets.token_urlsafe(32)


def _code_grant(validator: Validator) -> AuthorizationCodeGrant:
    def s256_only(request: Request) -> dict:
        # RFC 7636 lets a client choose "plain"; Mastodon, and hashchat, accept S256 only
        # (a missing method means plain).
        if request.code_challenge is not None and request.code_challenge_method != "S256":
            raise errors.UnsupportedCodeChallengeMethodError(
                description="code_challenge_method must be S256.", request=request
            )
        return {}

    return AuthorizationCodeGrant(validator, pre_auth=[s256_only])


@functools.cache
def endpoints() -> tuple[AuthorizationEndpoint, TokenEndpoint, RevocationEndpoint]:
    validator = Validator()
    # Tokens do not expire (as Mastodon's); they end when revoked.
    bearer = BearerToken(
        validator,
        token_generator=_token_value,
        refresh_token_generator=_token_value,
        expires_in=0,
    )
    code = _code_grant(validator)
    authorization = AuthorizationEndpoint(
        default_response_type="code", default_token_type=bearer, response_types={"code": code}
    )
    token = TokenEndpoint(
        default_grant_type="authorization_code",
        default_token_type=bearer,
        grant_types={
            "authorization_code": code,
            "password": ResourceOwnerPasswordCredentialsGrant(validator),
            "client_credentials": ClientCredentialsGrant(validator),
            "refresh_token": RefreshTokenGrant(validator),
        },
    )
    return authorization, token, RevocationEndpoint(validator)


def metadata(base: str) -> dict[str, Any]:
    """RFC 8414 server metadata, made by oauthlib from the endpoints above."""
    claims = {
        "issuer": base + "/",
        "service_documentation": base + "/docs/mastodon-api",
        "authorization_endpoint": base + "/oauth/authorize",
        "token_endpoint": base + "/oauth/token",
        "revocation_endpoint": base + "/oauth/revoke",
        "app_registration_endpoint": base + "/api/v1/apps",
        "scopes_supported": sorted(auth.GRANTABLE_SCOPES),
        "response_modes_supported": ["query"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "code_challenge_methods_supported": ["S256"],
    }
    # raise_errors=False: oauthlib would insist on an https issuer, and a hashchat on
    # a laptop serves plain http.
    return MetadataEndpoint(list(endpoints()), claims, raise_errors=False).claims


def atomic_token_response(uri: str, body: dict, headers: dict) -> tuple[dict, str, int]:
    """oauthlib's token endpoint inside one transaction: a refused exchange (a code used
    twice while this one ran) leaves nothing behind."""
    _, token_endpoint, _ = endpoints()
    try:
        with transaction.atomic():
            return token_endpoint.create_token_response(uri, "POST", body, headers)
    except errors.OAuth2Error as e:
        if isinstance(e, CodeUsedMeanwhile):
            # This exchange's token was rolled back; the other's ends too: a code
            # presented twice revokes what it gave, however close together.
            actions.revoke_tokens_of_code(e.code_row)
        return dict(e.headers), e.json, e.status_code
