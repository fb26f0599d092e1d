"""Bearer tokens, as the apps below the token issuer see them.

accounts owns logins and profiles, but tokens are issued by the Mastodon API's
OAuth (mastodon_api, a layer above). That layer registers, in its
`AppConfig.ready()`, the function that says who a bearer token stands for; the
apps in between (chats' own API) ask here and never name mastodon_api.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

# (user or None for an app-only token, profile or None, scopes)
BearerResult = tuple[Any, Any, Any]
BearerAuthenticator = Callable[[HttpRequest], BearerResult | None]

_authenticators: list[BearerAuthenticator] = []


def authenticate_with(authenticator: BearerAuthenticator) -> None:
    """`authenticator(request)`: (user, profile, scopes) of the request's valid
    bearer token, None otherwise."""
    _authenticators[:] = [authenticator]


def authenticate_bearer(request: HttpRequest) -> BearerResult | None:
    """(user, profile, scopes) of the request's bearer token; None when it has none
    that is valid (or no app issues tokens)."""
    if not _authenticators:
        return None
    return _authenticators[0](request)
