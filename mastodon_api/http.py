"""The plumbing every Mastodon endpoint shares: lenient parameters (JSON or form
bodies, `key[]` arrays, booleans as true/1), bearer-token authentication with a
scope check, `{"error": "..."}` responses with Mastodon's status codes, rate-limit
headers and CORS.

    @api(scope="write:statuses")
    def create_status(request):
        text = request.params.get("status")
        ...
        return status_entity(post, viewer=request.profile)

    urlpatterns = [*route("api/v1/statuses", post=create_status)]
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from io import BytesIO
from typing import Any

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from accounts.models import Profile, User
from core import ratelimit
from core.errors import ActionError, RateLimited
from core.ids import parse_id
from mastodon_api import auth

TRUE_VALUES = {"true", "1", "on", "yes", "t"}
FALSE_VALUES = {"false", "0", "off", "no", "f", ""}

# The largest number parameter (offsets, counts) the API takes.
MAX_NUMBER = 2**31 - 1

# Requests per token (or per address without one) in each window, as Mastodon has it.
API_LIMIT = (300, 300)


class ApiError(Exception):
    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.message = message
        self.status = status


def error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


class Params:
    """Request parameters from the query string and the body, however they came.

    `key[]=a&key[]=b`, `key=a&key=b` and `{"key": ["a", "b"]}` all give
    getlist("key") == ["a", "b"]; nested JSON objects are kept under raw().
    """

    def __init__(self) -> None:
        self._values: dict[str, list[Any]] = {}
        self._raw: dict[str, Any] = {}

    def _add(self, key: str, value: Any) -> None:
        if key.endswith("[]"):
            key = key[:-2]
        self._values.setdefault(key, []).append(value)

    def add_querydict(self, data: QueryDict) -> None:
        for key in data:
            for value in data.getlist(key):
                self._add(key, value)

    def add_json(self, data: dict) -> None:
        for key, value in data.items():
            self._raw[key] = value
            if isinstance(value, list):
                for item in value:
                    self._add(key, item)
            elif isinstance(value, dict):
                continue
            else:
                self._add(key, value)

    def __contains__(self, key: str) -> bool:
        return key in self._values

    def raw(self, key: str) -> Any:
        return self._raw.get(key)

    def get(self, key: str, default: Any = None) -> Any:
        values = self._values.get(key)
        if not values:
            return default
        value = values[-1]
        return default if value is None else value

    def text(self, key: str, default: str = "") -> str:
        value = self.get(key)
        return default if value is None else str(value)

    def getlist(self, key: str) -> list[Any]:
        return [v for v in self._values.get(key, []) if v is not None and v != ""]

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise ApiError(f"{key} must be true or false.", 422)

    def number(
        self, key: str, default: int | None = None, *, minimum: int | None = None, maximum=None
    ) -> int | None:
        value = self.get(key)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ApiError(f"{key} must be a whole number.", 422)
        if minimum is not None:
            number = max(minimum, number)
        if maximum is not None:
            number = min(maximum, number)
        if abs(number) > MAX_NUMBER:
            # An offset of 2^63 is no page anyone wants, and no database takes it.
            raise ApiError(f"{key} must be a whole number below {MAX_NUMBER + 1}.", 422)
        return number

    def id(self, key: str) -> int | None:
        """An id parameter (in_reply_to_id ...); anything that is not a 64-bit id is
        ignored."""
        value = self.get(key)
        if value is None or value == "":
            return None
        return parse_id(value)


def parse_params(request: HttpRequest) -> Params:
    params = Params()
    params.add_querydict(request.GET)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return params
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    body = request.body
    if not body:
        return params
    if content_type == "application/json" or (not content_type and body[:1] in (b"{", b"[")):
        try:
            data = json.loads(body)
        except ValueError:
            raise ApiError("The body is not valid JSON.", 400)
        except RecursionError:
            raise ApiError("The JSON body is nested too deeply.", 400)
        if not isinstance(data, dict):
            raise ApiError("The JSON body must be an object.", 422)
        params.add_json(data)
    elif content_type == "multipart/form-data":
        if request.method == "POST":
            params.add_querydict(request.POST)
        else:
            try:
                data, files = MultiPartParser(
                    request.META, BytesIO(body), request.upload_handlers, request.encoding
                ).parse()
            except MultiPartParserError:
                raise ApiError("The form body could not be read.", 400)
            params.add_querydict(data)
            request.api_files = files  # type: ignore[attr-defined]
    else:
        params.add_querydict(QueryDict(body, encoding=request.encoding))
    return params


@dataclass
class ApiAuth:
    user: User | None
    profile: Profile | None
    scopes: frozenset[str]
    token_id: int | None


def _authenticate(request: HttpRequest) -> ApiAuth | None | bool:
    """ApiAuth for a valid token, None when no token was sent, False for a bad one."""
    token = auth.bearer_string(request)
    if token is None:
        return None
    row = auth.find_token(token)
    if row is None:
        return False
    return ApiAuth(row.user, row.profile, auth.parse_scopes(row.scopes), row.pk)


def _rate_key(request: HttpRequest, api_auth: ApiAuth | None) -> str:
    return f"token:{api_auth.token_id}" if api_auth else f"ip:{request.META.get('REMOTE_ADDR')}"


def _rate_headers(request: HttpRequest, response: HttpResponse, api_auth: ApiAuth | None) -> None:
    """X-RateLimit-* of the limit that applies to this request: the one that refused
    it, or of the limits it was counted against (a write counts against "api" and a
    new post against the posting limits too) the one with the fewest requests left;
    a read is counted against none and reports the "api" limit."""
    status = ratelimit.applying()
    if status is None:
        limit, window = ratelimit.configured("api") or API_LIMIT
        status = ratelimit.peek("api", _rate_key(request, api_auth), limit=limit, window=window)
    for name, value in status.headers().items():
        response[name] = value


def _count_write(request: HttpRequest, api_auth: ApiAuth | None) -> None:
    limit, window = ratelimit.configured("api") or API_LIMIT
    ratelimit.hit("api", _rate_key(request, api_auth), limit=limit, window=window)


def cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = (
        "Link, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
    )
    return response


_ENCODER = DjangoJSONEncoder()
_JSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def json_response(data: Any, status: int = 200) -> HttpResponse:
    """JSON as Django's JsonResponse writes it (UTF-8, times and lazy strings by
    DjangoJSONEncoder), serialised by orjson: a page of 40 statuses is some 60 KB,
    and the standard library's encoder took a fifth of the request's time."""
    body = orjson.dumps(data, default=_ENCODER.default, option=_JSON_OPTIONS)
    return HttpResponse(body, status=status, content_type="application/json")


def to_response(result: Any) -> HttpResponse:
    if isinstance(result, HttpResponse):
        return result
    return json_response(result)


def api(
    *, scope: str | tuple[str, ...] | None = None, auth_mode: str = "user", rate_headers=True
) -> Callable:
    """Wrap an endpoint.

    auth_mode "user": a token acting as a profile is required; "optional": a token
    is used when sent (and then must be valid and hold the scope); "app": any valid
    token, an app-only one included; "none": tokens are ignored.
    """
    scopes = (scope,) if isinstance(scope, str) else (scope or ())

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            api_auth: ApiAuth | None = None
            try:
                if auth_mode != "none":
                    found = _authenticate(request)
                    if found is False:
                        raise ApiError("The access token is invalid", 401)
                    api_auth = found if isinstance(found, ApiAuth) else None
                    if api_auth is None and auth_mode in ("user", "app"):
                        raise ApiError("The access token is invalid", 401)
                    if (
                        api_auth is not None
                        and scopes
                        and not auth.scope_satisfied(api_auth.scopes, *scopes)
                    ):
                        raise ApiError("This action is outside the authorized scopes", 403)
                    if auth_mode == "user" and api_auth is not None and api_auth.profile is None:
                        raise ApiError("This method requires an authenticated user", 422)
                request.api_auth = api_auth  # type: ignore[attr-defined]
                request.profile = api_auth.profile if api_auth else None  # type: ignore[attr-defined]
                request.api_user = api_auth.user if api_auth else None  # type: ignore[attr-defined]
                request.params = parse_params(request)  # type: ignore[attr-defined]
                if request.method not in ("GET", "HEAD", "OPTIONS") and rate_headers:
                    _count_write(request, api_auth)
                response = to_response(view(request, *args, **kwargs))
            except ApiError as e:
                response = error(e.message, e.status)
            except RateLimited as e:
                response = error(e.message, 429)
                response["Retry-After"] = str(e.retry_after)
            except ActionError as e:
                response = error(e.message, 422 if e.status == 409 else e.status)
            if rate_headers:
                _rate_headers(request, response, api_auth)
            return cors(response)

        return wrapper

    return decorate


def _method_not_allowed(allowed: list[str]) -> HttpResponse:
    response = error("Method not allowed.", 405)
    response["Allow"] = ", ".join(allowed)
    return response


def route(pattern: str, name: str | None = None, **handlers: Callable) -> list:
    """URL patterns for `pattern` with and without a trailing slash, dispatching by
    method (get=, post=, put=, patch=, delete=). CSRF-exempt: bearer tokens only."""
    by_method = {m.upper(): h for m, h in handlers.items()}

    @csrf_exempt
    def dispatch(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ", ".join(by_method)
            response["Access-Control-Allow-Headers"] = (
                "Authorization, Content-Type, Idempotency-Key"
            )
            response["Access-Control-Max-Age"] = "86400"
            return cors(response)
        method = request.method or "GET"
        handler = by_method.get(method) or (by_method.get("GET") if method == "HEAD" else None)
        if handler is None:
            return cors(_method_not_allowed(list(by_method)))
        return handler(request, *args, **kwargs)

    dispatch.__name__ = (name or pattern).replace("/", "_")
    patterns = [path(pattern, dispatch, name=name)]
    if not pattern.endswith("/"):
        patterns.append(path(pattern + "/", dispatch))
    return patterns
