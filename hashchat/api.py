"""hashchat's own API (django-ninja) under /api/hashchat/v1/, OpenAPI at openapi.json.

Each app adds its router here; errors from actions become {"error": "..."}.
"""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from core.errors import ActionError, RateLimited

api = NinjaAPI(
    title="hashchat API",
    version="1",
    urls_namespace="hashchat-api",
    docs_url="/docs",
    openapi_url="/openapi.json",
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
    from chats.api import router as chats_router
    from gathering.api import router as gathering_router
    from transcripts.api import router as transcripts_router

    api.add_router("", chats_router)
    api.add_router("", transcripts_router)
    api.add_router("", gathering_router)


_add_routers()
