"""Reading remote JSON-LD defensively: a depth cap, and helpers that take a value of
the expected type or refuse (HostileObject) with a message for the log."""

import json
import re
from typing import Any
from urllib.parse import urlsplit

from federation import conf


class HostileObject(Exception):
    """Remote JSON that is too big, too deep, of the wrong shape, or that claims what
    its sender may not (another domain's objects)."""


def loads(body: bytes) -> dict[str, Any]:
    if len(body) > conf.limit("MAX_INBOX_BYTES"):
        raise HostileObject(f"body of {len(body)} bytes is over the cap")
    try:
        data = json.loads(body)
    except RecursionError:
        raise HostileObject("JSON nested too deeply to parse")
    except ValueError as e:
        raise HostileObject(f"not JSON ({e})")
    if not isinstance(data, dict):
        raise HostileObject("not a JSON object")
    check_depth(data)
    return data


def check_depth(data: Any) -> None:
    limit = conf.limit("MAX_JSON_DEPTH")
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            raise HostileObject(f"JSON nested deeper than {limit}")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def string(data: dict, key: str, *, required: bool = True, max_length: int = 500) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise HostileObject(f"{key} is not a string")
    if len(value) > max_length:
        raise HostileObject(f"{key} is longer than {max_length}")
    return value


def url(data: dict, key: str, *, required: bool = True) -> str:
    value = string(data, key, required=required)
    if value and urlsplit(value).scheme not in ("https", "http"):
        raise HostileObject(f"{key} is not an http(s) URL")
    return value


def id_of(value: Any, what: str = "object") -> str:
    """The id of a link or an embedded object."""
    if isinstance(value, str) and value:
        found = value
    elif isinstance(value, dict) and isinstance(value.get("id"), str):
        found = value["id"]
    else:
        raise HostileObject(f"{what} has no id")
    if len(found) > 500 or urlsplit(found).scheme not in ("https", "http"):
        raise HostileObject(f"{what} id is not an http(s) URL")
    return found


def types(data: dict) -> set[str]:
    value = data.get("type")
    if isinstance(value, str):
        return {value}
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return set(value)
    raise HostileObject("type is missing or not a string")


def addresses(data: dict, *keys: str) -> list[str]:
    found: list[str] = []
    for key in keys:
        value = data.get(key)
        if value is None:
            continue
        items = value if isinstance(value, list) else [value]
        if len(items) > 1000:
            raise HostileObject(f"{key} has more than 1000 addresses")
        for item in items:
            if isinstance(item, str):
                found.append(item)
    return found


def host(uri: str) -> str:
    return urlsplit(uri).netloc.lower()


def same_origin(a: str, b: str) -> bool:
    return host(a) == host(b) and bool(host(a))


_SPACE_RE = re.compile(r"\s+")


def one_line(text: str, max_length: int) -> str:
    return _SPACE_RE.sub(" ", text).strip()[:max_length]
