"""Reading another server's public hashtag timeline through its Mastodon API
(GET /api/v1/timelines/tag/:tag), politely: one page at a time, newest first,
paged back with max_id, each request through federation's outgoing client (its
address checks, size caps and timeouts)."""

import json
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode, urlsplit

from federation import http
from posts import parsing

PAGE = 40
QUESTION_RE = re.compile(r"^(?:\s*[@#][\w@.]+)*\s*[Qq](\d{1,2})(?=$|[\s:.,;)\]\-–—])")


class TimelineError(Exception):
    """A server that failed, refused or rate-limited a timeline read."""


@dataclass
class Found:
    uri: str
    id: str
    acct: str  # user@domain, the domain added for the server's own accounts
    created_at: datetime
    text: str
    in_reply_to_id: str | None


def base_url(value: str) -> str:
    """A server as the host names it (mastodon.example, https://mastodon.example/)
    to its base URL; ValueError when it is not one."""
    value = value.strip()
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"{value!r} is not a server's address.")
    return f"{parts.scheme}://{parts.netloc}".lower()


def question_number(text: str) -> int | None:
    match = QUESTION_RE.match(text or "")
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def parse(status: dict, domain: str) -> Found | None:
    if status.get("reblog") or status.get("visibility") not in ("public", None):
        return None
    try:
        uri = str(status["uri"])
        created = datetime.fromisoformat(str(status["created_at"]).replace("Z", "+00:00"))
        acct = str(status["account"]["acct"])
    except (KeyError, TypeError, ValueError):
        return None
    if "@" not in acct:
        acct = f"{acct}@{domain}"
    text = parsing.plain_text(parsing.sanitise(str(status.get("content") or ""))).strip()
    reply = status.get("in_reply_to_id")
    return Found(uri, str(status.get("id")), acct.lower(), created, text, reply and str(reply))


def read_page(server: str, tag: str, *, max_id: str | None = None) -> list[dict]:
    query: dict[str, str | int] = {"limit": PAGE}
    if max_id:
        query["max_id"] = max_id
    url = f"{server}/api/v1/timelines/tag/{quote(tag)}?{urlencode(query)}"
    try:
        # A public API read: no signature (it is not ActivityPub).
        answer = http.request("GET", url, accept="application/json", signed=False)
    except http.FetchError as e:
        raise TimelineError(str(e))
    if answer.status == 429:
        raise TimelineError(f"{server} is rate-limiting (HTTP 429)")
    if answer.status != 200:
        raise TimelineError(f"{server} answered HTTP {answer.status} for #{tag}")
    try:
        data = json.loads(answer.content)
    except ValueError:
        raise TimelineError(f"{server} did not answer JSON for #{tag}")
    if not isinstance(data, list):
        raise TimelineError(f"{server} did not answer a list of statuses for #{tag}")
    return [s for s in data if isinstance(s, dict)]


def read_window(server: str, tag: str, starts_at: datetime, ends_at: datetime, on_page=None):
    """Every public post with `tag` on `server` made in [starts_at, ends_at), oldest
    first; `on_page(count)` after each page read."""
    domain = (urlsplit(server).hostname or "").lower()
    found: dict[str, Found] = {}
    max_id = None
    for _ in range(1000):
        page = read_page(server, tag, max_id=max_id)
        if on_page is not None:
            on_page(len(page))
        if not page:
            break
        oldest = None
        for status in page:
            item = parse(status, domain)
            if item is None:
                continue
            oldest = item.created_at if oldest is None else min(oldest, item.created_at)
            if starts_at <= item.created_at < ends_at:
                found.setdefault(item.uri, item)
        next_max = str(page[-1].get("id") or "")
        if not next_max or next_max == max_id or (oldest is not None and oldest < starts_at):
            break
        max_id = next_max
    return sorted(found.values(), key=lambda f: (f.created_at, f.uri))
