"""Exports of a built transcript: Markdown (for a blog post), JSON (complete, with
a JSON Schema in transcript.schema.json) and CSV (one row per post). The
self-contained HTML file is in transcripts.standalone.

Every export leaves out the posts a host hid (with their replies) and the posts
of authors who asked to be left out of transcripts; a reply to such a post takes
its place in the thread (its parent becomes that post's parent).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

from core.spreadsheet import csv_text
from posts import parsing
from transcripts.contents import Built, Group, Item
from transcripts.statistics import Stats

SCHEMA_PATH = Path(__file__).with_name("transcript.schema.json")
SCHEMA_VERSION = 1


def transcript_path(built: Built) -> str:
    return f"/chats/{built.series.hashtag}/events/{built.event.id}/transcript/"


def transcript_url(built: Built) -> str:
    return settings.BASE_URL + transcript_path(built)


def zone(built: Built) -> ZoneInfo:
    return ZoneInfo(built.series.timezone)


def local(built: Built, moment: datetime, fmt: str = "") -> str:
    """A time in the series' zone; with the date when not on the event's day."""
    here = moment.astimezone(zone(built))
    if not fmt:
        same_day = here.date() == built.event.starts_at.astimezone(zone(built)).date()
        fmt = "%H:%M" if same_day else "%-d %b %H:%M"
    return here.strftime(fmt)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def when(built: Built) -> str:
    start = built.event.starts_at.astimezone(zone(built))
    end = built.event.ends_at.astimezone(zone(built))
    return f"{start:%A %-d %B %Y, %H:%M}–{end:%H:%M} {start:%Z} ({built.series.timezone})"


@dataclass
class Row:
    item: Item
    group: Group
    depth: int
    parent_id: int | None
    root_id: int
    position: int


def rows(built: Built) -> Iterator[Row]:
    """Every exported post in reading order."""
    position = 0
    roots: dict[int, int] = {}
    for group in built.groups:
        for item, depth, parent_id in built.exported(group):
            root = roots[parent_id] if parent_id is not None else item.id
            roots[item.id] = root
            position += 1
            yield Row(item, group, depth, parent_id, root, position)


def question_number(group: Group) -> int | None:
    if group.question is not None and group.question.kind == "question":
        return group.question.number
    return None


# Markdown ------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
    }
)


def md_escape(text: str) -> str:
    """Escape text so Markdown shows it as typed; links become <autolinks>."""
    if "://" not in text:
        return text.translate(_MD_SPECIAL)
    out, last = [], 0
    for entity in parsing.find_entities(text):
        if entity.kind != "url":
            continue
        out.append(text[last : entity.start].translate(_MD_SPECIAL))
        out.append(f"<{entity.value}>" if "<" not in entity.value else entity.value)
        last = entity.end
    out.append(text[last:].translate(_MD_SPECIAL))
    return "".join(out)


def _md_lines(text: str, indent: str) -> str:
    """A multi-line text inside a list item: hard line breaks, lines kept in the item."""
    lines = [md_escape(line.strip()) for line in text.splitlines() if line.strip()] or [""]
    safe = []
    for line in lines:
        if line[:1] in "#+-=|" or line[:1].isdigit():
            line = "\\" + line if not line[:1].isdigit() else line.replace(".", "\\.", 1)
        safe.append(line)
    return ("  \n" + indent).join(safe)


def _md_paragraphs(text: str) -> str:
    return "\n\n".join(_md_lines(p, "") for p in text.split("\n\n") if p.strip())


def post_url(item: Item) -> str:
    return f"{settings.BASE_URL}/posts/{item.id}/"


def _md_post(built: Built, item: Item, depth: int) -> str:
    """One post as a list item; its time links to the post."""
    indent = "    " * depth
    star = "★ " if item.highlighted else ""
    who = f"**{md_escape(item.name)}** (@{md_escape(item.handle)})"
    head = f"{star}{who} · [{local(built, item.created_at)}]({post_url(item)})"
    if item.spoiler_text:
        # Markdown cannot fold: the warning comes first, in its own words.
        head += f" · *Content warning: {md_escape(item.spoiler_text)}*"
    return f"{indent}- {head}: {_md_lines(item.text, indent + '  ')}"


def markdown(built: Built, stats: Stats) -> str:
    series, event = built.series, built.event
    out = [
        f"# \\#{md_escape(series.hashtag)}: {md_escape(event.topic)}",
        "",
        f"*{md_escape(when(built))}* · [Permalink]({transcript_url(built)})",
        "",
    ]
    if built.transcript.introduction:
        out += [_md_paragraphs(built.transcript.introduction), ""]
    out += [
        f"**{stats.posts} posts** ({stats.originals} originals, {stats.replies} replies, "
        f"{stats.reposts} reposts) from **{stats.participants} participants** "
        f"({stats.new_participants} new, {stats.returning_participants} returning).",
        "",
        f"![Posts per minute over the hour]({transcript_url(built)}activity.svg)",
        "",
    ]
    highlights = [r for r in rows(built) if r.item.highlighted]
    if highlights:
        out += ["## Highlights", ""]
        out += [_md_post(built, r.item, 0) for r in highlights]
        out.append("")
    for group in built.groups:
        out += [f"## {md_escape(group.title)}", ""]
        if group.note:
            out += ["> " + _md_paragraphs(group.note).replace("\n", "\n> "), ""]
        posts = [_md_post(built, item, depth) for item, depth, _ in built.exported(group)]
        out += posts or ["*No posts.*"]
        out.append("")
    if stats.links:
        out += ["## Resources shared", ""]
        for link in stats.links:
            times = f" (shared {link.count} times)" if link.count > 1 else ""
            out.append(f"- <{link.url}>{times}")
        out.append("")
    out += ["## In numbers", ""]
    for g in stats.per_group:
        out.append(
            f"- {md_escape(g.label)}: {plural(g.posts, 'post')} "
            f"from {plural(g.participants, 'participant')}"
        )
    if stats.top_contributors:
        names = ", ".join(
            f"{md_escape(c.name)} (@{md_escape(c.handle)}, {c.posts})"
            for c in stats.top_contributors
        )
        out.append(f"- Top contributors: {names}")
    if stats.locations:
        places = ", ".join(f"{md_escape(loc)} ({n})" for loc, n in stats.locations)
        out.append(f"- Taking part from: {places}")
    out.append("")
    return "\n".join(out)


# JSON ----------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def as_json_data(built: Built, stats: Stats) -> dict:
    series, event = built.series, built.event
    url = transcript_url(built)
    posts = []
    group_posts: dict[str, list[str]] = {g.key: [] for g in built.groups}
    for r in rows(built):
        item = r.item
        group_posts[r.group.key].append(str(item.id))
        posts.append(
            {
                "id": str(item.id),
                "url": f"{url}#p{item.id}",
                "position": r.position,
                "group": r.group.key,
                "question": question_number(r.group),
                "kind": "reply" if item.is_reply else "original",
                "in_reply_to": str(r.parent_id) if r.parent_id is not None else None,
                "thread_root": str(r.root_id),
                "depth": r.depth,
                "author": {
                    "id": str(item.author_id),
                    "handle": item.handle,
                    "display_name": item.name,
                    "is_host": item.is_host,
                },
                "created_at": _iso(item.created_at),
                "edited_at": _iso(item.edited_at),
                "text": item.text,
                "html": item.html,
                "spoiler_text": item.spoiler_text,
                "original_url": item.original_url or None,
                "like_count": item.like_count,
                "repost_count": item.repost_count,
                "reply_count": item.reply_count,
                "reposts_in_chat": item.reposts,
                "highlighted": item.highlighted,
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "url": url,
        "series": {
            "id": str(series.id),
            "hashtag": series.hashtag,
            "title": series.title,
            "timezone": series.timezone,
        },
        "event": {
            "id": str(event.id),
            "topic": event.topic,
            "starts_at": _iso(event.starts_at),
            "ends_at": _iso(event.ends_at),
            "window_ends_at": _iso(event.window_ends_at),
        },
        "frozen_at": _iso(built.transcript.frozen_at) if built.frozen else None,
        "introduction": built.transcript.introduction,
        "groups": [
            {
                "key": g.key,
                "label": g.label,
                "title": g.title,
                "question": question_number(g),
                "note": g.note,
                "posts": group_posts[g.key],
            }
            for g in built.groups
        ],
        "posts": posts,
        "statistics": stats.as_dict(),
    }


def as_json(built: Built, stats: Stats) -> str:
    return json.dumps(as_json_data(built, stats), ensure_ascii=False)


def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


# CSV -----------------------------------------------------------------------------

CSV_COLUMNS = [
    "id",
    "position",
    "group",
    "question",
    "kind",
    "in_reply_to",
    "thread_root",
    "depth",
    "author_id",
    "author_handle",
    "author_name",
    "is_host",
    "created_at",
    "edited_at",
    "like_count",
    "repost_count",
    "reply_count",
    "reposts_in_chat",
    "highlighted",
    "text",
    "url",
    "content_warning",
]


def as_csv(built: Built) -> str:
    """One row per post; participants' text is made safe to open in a spreadsheet
    (core.spreadsheet: a cell starting with = + - @ is not run as a formula)."""
    return csv_text([CSV_COLUMNS, *_csv_rows(built)])


def _csv_rows(built: Built) -> Iterator[list]:
    url = transcript_url(built)
    for r in rows(built):
        item = r.item
        yield (
            [
                item.id,
                r.position,
                r.group.key,
                question_number(r.group) or "",
                "reply" if item.is_reply else "original",
                r.parent_id or "",
                r.root_id,
                r.depth,
                item.author_id,
                item.handle,
                item.name,
                int(item.is_host),
                _iso(item.created_at),
                _iso(item.edited_at) or "",
                item.like_count,
                item.repost_count,
                item.reply_count,
                item.reposts,
                int(item.highlighted),
                item.text,
                f"{url}#p{item.id}",
                item.spoiler_text,
            ]
        )
