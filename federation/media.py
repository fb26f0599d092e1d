"""Attachments of remote notes. hashchat stores no media of its own, so a remote
note's attachments are kept as their remote URLs (with type, alt text, size and
blurhash, as Mastodon sends them in `attachment`), listed as links under the
post's text, and given to Mastodon apps as MediaAttachments pointing at the
remote server (mastodon_api.entities.statuses.remote_media). Local posts have no
attachments, so outgoing Notes carry none."""

from typing import Any

from django.utils.html import escape

from federation import jsonld
from federation.jsonld import HostileObject
from posts import parsing

MAX_ATTACHMENTS = 8
KINDS = {"image": "image", "video": "video", "audio": "audio", "gifv": "gifv"}


def _url(item: dict) -> str:
    value = item.get("url")
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("href")
    if isinstance(value, str) and value.startswith("https://") and len(value) <= 500:
        return value
    return ""


def _size(value: Any) -> int | None:
    return value if isinstance(value, int) and 0 < value < 100_000 else None


def read_attachments(note: dict[str, Any]) -> list[dict]:
    """The note's attachments with an https URL, at most MAX_ATTACHMENTS."""
    items = note.get("attachment") or []
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        return []
    found = []
    for item in items:
        try:
            kinds = jsonld.types(item) if isinstance(item, dict) else set()
        except HostileObject:
            continue
        if not kinds & {"Document", "Image", "Video", "Audio", "Link"}:
            continue
        url = _url(item)
        if not url:
            continue
        media_type = item.get("mediaType") if isinstance(item.get("mediaType"), str) else ""
        kind = KINDS.get(media_type.split("/")[0], "unknown")
        if "Image" in kinds and kind == "unknown":
            kind = "image"
        name = item.get("name") if isinstance(item.get("name"), str) else ""
        blurhash = item.get("blurhash") if isinstance(item.get("blurhash"), str) else ""
        found.append(
            {
                "url": url,
                "type": kind,
                "media_type": media_type[:100],
                "description": jsonld.one_line(name, 1500),
                "blurhash": blurhash[:100],
                "width": _size(item.get("width")),
                "height": _size(item.get("height")),
            }
        )
        if len(found) >= MAX_ATTACHMENTS:
            break
    return found


def links_html(attachments: list[dict]) -> str:
    """The attachments as links, one a line, named by their alt text."""
    if not attachments:
        return ""
    lines = []
    for item in attachments:
        label = item["description"] or {"image": "Image", "video": "Video", "audio": "Audio"}.get(
            item["type"], "Attachment"
        )
        lines.append(f'<a href="{escape(item["url"])}">{escape(label)}</a>')
    return parsing.sanitise('<p class="remote-attachments">' + "<br>".join(lines) + "</p>")
