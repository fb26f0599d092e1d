"""Request guards Django does not provide by itself.

- DatabaseUnavailableMiddleware: when the database cannot be reached, answer 503
  with a clear message (JSON `{"error": ...}` on API paths) instead of a bare 500.
- ContentSecurityPolicyMiddleware: the Content-Security-Policy and the other
  security headers on every response.
- ClientMiddleware: records the client's address for the rate limits, and adds
  Retry-After to any 429 answer a rate limit caused.
"""

import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

from core import metrics, ratelimit

CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Paths whose clients expect JSON rather than a page.
API_PREFIXES = ("/api/", "/oauth/", "/.well-known/", "/nodeinfo/")
RETRY_AFTER_SECONDS = 30
UNAVAILABLE_MESSAGE = (
    "hashchat cannot reach its database just now. Nothing you sent in this request was "
    "saved; please try again in a minute."
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(("/admin/", "/api/hashchat/v1/docs")):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if settings.USE_HTTPS:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


class ClientMiddleware:
    """Marks the request's code as serving a client (see core.ratelimit)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The client's address: behind a proxy listed in HASHCHAT_TRUSTED_PROXIES, uvicorn
        # (hashchat serve) has already put the forwarded address here; from anyone
        # else X-Forwarded-For is ignored, so a client cannot pick its rate limits.
        with ratelimit.serving(request.META.get("REMOTE_ADDR")):
            response = self.get_response(request)
            wait = ratelimit.refused_for()
        if response.status_code == 429 and wait and "Retry-After" not in response:
            response["Retry-After"] = str(wait)
        return response


def is_unavailable_error(exc: BaseException | None) -> bool:
    """Errors that mean "the database is away or busy", not a bug in the query."""
    return isinstance(exc, OperationalError | InterfaceError)


def _mark_request(sender, request=None, **kwargs) -> None:
    exc = sys.exc_info()[1]
    if request is None:
        return
    if is_unavailable_error(exc):
        metrics.record_error("database")
        request._hashchat_db_unavailable = True
    elif isinstance(exc, DataError):
        # A value the database cannot store (PostgreSQL refuses NUL characters in
        # text; a number out of range): the client's input, not the server, is wrong.
        request._hashchat_bad_data = True


got_request_exception.connect(_mark_request, dispatch_uid="hashchat-db-unavailable")


def unavailable_response(request) -> HttpResponse:
    if wants_json(request):
        response: HttpResponse = JsonResponse({"error": UNAVAILABLE_MESSAGE}, status=503)
    else:
        # A page that needs nothing from the database (base.html would query it).
        response = HttpResponse(
            "<!doctype html><html lang=en><head><meta charset=utf-8>"
            '<meta name=viewport content="width=device-width, initial-scale=1">'
            "<title>hashchat is briefly unavailable</title>"
            '<link rel=stylesheet href="/static/hashchat/site.css"></head>'
            '<body><main class="card"><h1>hashchat is briefly unavailable</h1>'
            f"<p>{UNAVAILABLE_MESSAGE}</p></main></body></html>",
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def wants_json(request) -> bool:
    return request.path.startswith(API_PREFIXES) or "application/json" in request.headers.get(
        "Accept", ""
    )


BAD_DATA_MESSAGE = (
    "The request holds a value that cannot be stored (a NUL character, or a number out "
    "of range). Nothing was saved."
)


def bad_data_response(request) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": BAD_DATA_MESSAGE}, status=422)
    return HttpResponse(
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        "<title>That cannot be stored</title>"
        '<link rel=stylesheet href="/static/hashchat/site.css"></head>'
        f'<body><main class="card"><h1>That cannot be stored</h1><p>{BAD_DATA_MESSAGE} '
        "Go back and change what you typed.</p></main></body></html>",
        status=422,
        content_type="text/html; charset=utf-8",
    )


class DatabaseUnavailableMiddleware:
    """Outermost: turns a 500 caused by an unreachable database into a 503, and one
    caused by a value the database refuses into a 422."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500:
            if getattr(request, "_hashchat_db_unavailable", False):
                return unavailable_response(request)
            if getattr(request, "_hashchat_bad_data", False):
                return bad_data_response(request)
        return response
