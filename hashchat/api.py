"""hashchat's own API (django-ninja) under /api/hashchat/v1/, OpenAPI at openapi.json.

Each app adds its router here; errors from actions become {"error": "..."}. The
OpenAPI document describes the two ways in (a bearer token with the `read:chats`
and `write:chats` scopes, or a session) and which one each operation needs.
"""

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from chats.api import router as chats_router
from core.errors import ActionError, RateLimited
from gathering.api import router as gathering_router
from mastodon_api.auth import authenticate_bearer
from transcripts.api import router as transcripts_router


def bearer_first(request: HttpRequest):
    """Runs before django-ninja reads the parameters and the body: a request with a bad
    bearer token is answered 401 whatever else is wrong with it. Requests without one
    (the session's, or anonymous) pass; each operation then decides what it needs."""
    if not request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer "):
        return True
    return authenticate_bearer(request) is not None or None


DESCRIPTION = """
hashchat's own API: series, events, their posts, calendars and transcripts.

**Authentication.** Send a Mastodon API bearer token (`Authorization: Bearer ...`,
from `/oauth/token`) or use a login's session. A token acts as exactly the one
profile it was authorised for, with exactly its scopes:

| scope | grants | also granted by |
|---|---|---|
| `read:chats` | reading series, events, posts by event, calendars, transcripts | `read` |
| `write:chats` | creating and changing series and events (as the token's profile) | `write` |

No other scope (`write:statuses`, `write:bookmarks`, ...) grants anything here. Reads
of public series need no authentication; a private series and its events, posts and
transcripts are seen only by its hosts (everyone else gets 404). A session acts with
its login's rights, as the pages do, and its writes need the `X-CSRFToken` header.
Errors are `{"error": "..."}`: 401 without a valid login or token, 403 without the
scope or the right, 404 for what the caller may not see.
"""

# The schemes each operation's `security` names (chats.api.READS and WRITES).
SECURITY_SCHEMES: dict[str, Any] = {
    "token": {
        "type": "oauth2",
        "description": "A bearer token; it acts as one profile with its scopes.",
        "flows": {
            "authorizationCode": {
                "authorizationUrl": "/oauth/authorize",
                "tokenUrl": "/oauth/token",
                "scopes": {
                    "read:chats": "read series, events, their posts and transcripts",
                    "write:chats": "create and change series and events",
                },
            }
        },
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": "A login's session; writes also need the X-CSRFToken header.",
    },
}


class HashchatAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("securitySchemes", {}).update(
            SECURITY_SCHEMES
        )
        return schema


api = HashchatAPI(
    title="hashchat API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="hashchat-api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=[bearer_first],
)


@api.exception_handler(ActionError)
def action_error(request: HttpRequest, exc: ActionError):
    response = api.create_response(request, {"error": exc.message}, status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    parts = []
    for err in exc.errors:
        where = ".".join(str(x) for x in err.get("loc", []) if x not in ("body", "query", "path"))
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    return api.create_response(request, {"error": "; ".join(parts) or "Invalid input."}, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(request, {"error": "Log in or send a valid token."}, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    return api.create_response(request, {"error": str(exc)}, status=exc.status_code)


def _add_routers() -> None:
    """Each app's router (chats: series and events; transcripts: exports)."""
    api.add_router("", chats_router)
    api.add_router("", transcripts_router)
    api.add_router("", gathering_router)


_add_routers()
