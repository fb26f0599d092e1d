"""The one paginator every list endpoint uses: Mastodon's max_id / since_id / min_id /
limit over a time-sortable key, and the `Link` header pointing at the next (older)
and previous (newer) pages.

    page = paginate(request, queryset)             # newest first, by id
    response = JsonResponse([...], safe=False)
    page.apply(response)                           # sets Link
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from core.ids import parse_id
from mastodon_api.http import ApiError

CURSORS = ("max_id", "since_id", "min_id")


@dataclass
class Page:
    items: list
    # The key values at the two ends of the page (newest first), for the Link header.
    newest: int | None = None
    oldest: int | None = None
    path: str = ""
    query: list[tuple[str, str]] = field(default_factory=list)

    def link_header(self) -> str | None:
        if self.newest is None or self.oldest is None:
            return None
        base = settings.BASE_URL + self.path
        next_url = base + "?" + urlencode([*self.query, ("max_id", str(self.oldest))])
        prev_url = base + "?" + urlencode([*self.query, ("min_id", str(self.newest))])
        return f'<{next_url}>; rel="next", <{prev_url}>; rel="prev"'

    def apply(self, response: HttpResponse) -> HttpResponse:
        link = self.link_header()
        if link:
            response["Link"] = link
        return response


def _cursor(request: HttpRequest, name: str) -> int | None:
    """A cursor id; one that is not a 64-bit id is refused (Mastodon answers 422 too)."""
    value = request.params.get(name)  # type: ignore[attr-defined]
    if value is None or value == "":
        return None
    number = parse_id(value)
    if number is None:
        raise ApiError(f"{name} must be a status id (a whole number below 2^63).", 422)
    return number


@dataclass
class Window:
    """What a request asks for: at most `limit` items, older than max_id, newer
    than since_id, or just newer than min_id."""

    limit: int
    max_id: int | None
    since_id: int | None
    min_id: int | None


def window(request: HttpRequest, *, default_limit: int = 20, max_limit: int = 40) -> Window:
    params = request.params  # type: ignore[attr-defined]
    limit = params.number("limit", default_limit, minimum=1, maximum=max_limit)
    max_id, since_id, min_id = (_cursor(request, n) for n in CURSORS)
    return Window(limit=limit, max_id=max_id, since_id=since_id, min_id=min_id)


def page_of(request: HttpRequest, items: list, key: str = "id") -> Page:
    """A Page of items already read (newest first), with what its Link header needs."""
    query = [
        (k, v)
        for k in request.GET
        if k not in CURSORS
        for v in request.GET.getlist(k)
        if k != "access_token"
    ]
    page = Page(items=items, path=request.path, query=query)
    if items:
        page.newest = _key_of(items[0], key)
        page.oldest = _key_of(items[-1], key)
    return page


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    key: str = "id",
    default_limit: int = 20,
    max_limit: int = 40,
) -> Page:
    """One page of `queryset`, newest first by `key`.

    max_id: older than; since_id: newer than (newest page); min_id: the page just
    newer than (oldest first, then turned round). One query.
    """
    w = window(request, default_limit=default_limit, max_limit=max_limit)
    if w.max_id is not None:
        queryset = queryset.filter(**{f"{key}__lt": w.max_id})
    if w.since_id is not None:
        queryset = queryset.filter(**{f"{key}__gt": w.since_id})
    if w.min_id is not None:
        queryset = queryset.filter(**{f"{key}__gt": w.min_id})
        items = list(queryset.order_by(key)[: w.limit])
        items.reverse()
    else:
        items = list(queryset.order_by(f"-{key}")[: w.limit])
    return page_of(request, items, key)


def _key_of(item, key: str) -> int:
    value = item
    for part in key.split("__"):
        value = getattr(value, part)
    return int(value)
