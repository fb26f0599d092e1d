"""The site's handler400/404/500 (named in hashchat/urls.py): JSON `{"error": ...}`
for API clients (core.middleware.wants_json), Django's pages for everyone else.

A request body larger than `DATA_UPLOAD_MAX_MEMORY_SIZE` (or with more fields than
`DATA_UPLOAD_MAX_NUMBER_FIELDS`) reaches Django's handler400 as RequestDataTooBig;
it answers 413 Content Too Large here, so a client learns that the size, not the
content, is at fault.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from core.middleware import wants_json


def _too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return (
        f"The request body is too large: at most {limit // (1024 * 1024)} MB is accepted. "
        "Nothing was saved."
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    too_large = isinstance(exception, RequestDataTooBig)
    if wants_json(request):
        if too_large:
            return JsonResponse({"error": _too_large_message()}, status=413)
        return JsonResponse({"error": "The request could not be read."}, status=400)
    if too_large:
        return HttpResponse(
            f"<!doctype html><title>Too large</title><p>{_too_large_message()}</p>",
            status=413,
            content_type="text/html; charset=utf-8",
        )
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": "Record not found"}, status=404)
    return defaults.page_not_found(request, exception)  # type: ignore[arg-type]


def server_error(request: HttpRequest) -> HttpResponse:
    if wants_json(request):
        return JsonResponse(
            {"error": "hashchat failed to answer this request; the error is logged."}, status=500
        )
    return defaults.server_error(request)
