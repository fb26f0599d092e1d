"""Request guards Django does not provide by itself.

- DatabaseUnavailableMiddleware: when the database cannot be reached, answer 503
  with a clear message (JSON `{"error": ...}` on API paths) instead of a bare 500.
- ContentSecurityPolicyMiddleware: django-csp's CSPMiddleware for pages (the policy
  is settings.CONTENT_SECURITY_POLICY; views may change it with django-csp's
  decorators), and the same policy, built by django-csp once, on the client APIs'
  JSON answers.
- SecurityHeadersMiddleware: Permissions-Policy and (over HTTPS) HSTS on every
  response; nosniff, X-Frame-Options and Referrer-Policy are Django's own.
- ClientMiddleware: records the client's address for the rate limits, and gives any
  429 answer a rate limit caused its Retry-After and the X-RateLimit-* headers of the
  limit that refused.
- client_api: whether a request is to the client APIs, whose answers need nothing of
  the browser's middleware (the acting profile and viewer's zone skip them).
"""

import sys

from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import got_request_exception
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

from core import metrics, ratelimit

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Paths whose clients expect JSON rather than a page.
API_PREFIXES = ("/api/", "/oauth/", "/.well-known/", "/nodeinfo/")
RETRY_AFTER_SECONDS = 30
UNAVAILABLE_MESSAGE = (
    "hashchat cannot reach its database just now. Nothing you sent in this request was "
    "saved; please try again in a minute."
)


# The client APIs: apps poll them during a chat, their answers are JSON, and no view
# there changes the policy.
CLIENT_API_PREFIXES = ("/api/v1/", "/api/v2/")


def client_api(request) -> bool:
    """Whether the request is to the client APIs (CLIENT_API_PREFIXES), wherever the
    site is mounted (the path Django resolves, without a script prefix)."""
    return request.path_info.startswith(CLIENT_API_PREFIXES)


class ContentSecurityPolicyMiddleware:
    """django-csp builds the policy string anew for every response (some 100 µs, a
    tenth of a Mastodon API read); the client APIs' answers get the site policy that
    django-csp built once, every other response goes through django-csp's middleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.pages = CSPMiddleware(get_response)
        self.api_policy = build_policy()

    def __call__(self, request):
        if not client_api(request):
            return self.pages(request)
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.api_policy)
        return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
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
            refused = ratelimit.refused()
        if response.status_code == 429 and refused is not None:
            # The limit that refused, so that a client waits as long as it must and no
            # longer (an API that set its own headers keeps them).
            response.headers.setdefault("Retry-After", str(refused.retry_after()))
            for name, value in refused.headers().items():
                response.headers.setdefault(name, value)
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
