"""Find hashtags, @mentions and links in a post's text and render it as safe HTML.

The rules:
- a hashtag is `#` then Unicode letters, digits or underscores, with at least
  one non-digit (`#auslibchat`, `#图书馆`, `#Q1_2026`; not `#1`), not preceded by
  a word character, `/` or `&` (so URL fragments and entities stay as they are);
- a mention is `@` then 1 to 30 of [A-Za-z0-9_], not preceded by a word character,
  optionally followed by `@domain` for a profile on another server (@pat@chat-b.example);
  only handles of existing profiles become links;
- a link is http:// or https:// up to the next space, without trailing
  punctuation that usually ends a sentence.
The HTML is built from escaped text and then passed through nh3, so nothing the
author typed can become markup.
"""

import html
import re
from dataclasses import dataclass
from urllib.parse import quote

import nh3

from core.hashtags import tag_key

URL_RE = re.compile(r"https?://[^\s<>\"'`\x00-\x1f\x7f]+", re.IGNORECASE)
HASHTAG_RE = re.compile(r"(?<![\w/&#])#(\w*[^\W\d]\w*)", re.UNICODE)
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
MENTION_RE = re.compile(
    rf"(?<![\w@/])@([A-Za-z0-9_]{{1,30}}(?:@{_LABEL}(?:\.{_LABEL})+(?::[0-9]{{1,5}})?)?)"
    r"(?![A-Za-z0-9_@])"
)
TRAILING_PUNCT = ".,;:!?)]}'\""

ALLOWED_TAGS = {"p", "br", "a", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "class", "title"}, "span": {"class"}}


@dataclass(frozen=True)
class Entity:
    kind: str  # "url", "hashtag" or "mention"
    start: int
    end: int
    value: str  # the URL, the tag name without '#', or the handle without '@'


def _trim_url(url: str) -> str:
    while url and url[-1] in TRAILING_PUNCT:
        # keep a closing bracket that closes one opened inside the URL
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _linkable(url: str) -> bool:
    """Whether the sanitiser keeps `url` as a link target ("https://#" or "https://|" name
    no host, and would leave an <a> without href)."""
    probe = f'<a href="{html.escape(url, quote=True)}">x</a>'
    return "href=" in nh3.clean(
        probe, tags={"a"}, attributes={"a": {"href"}}, url_schemes={"http", "https"}
    )


def find_entities(text: str) -> list[Entity]:
    """Entities in order of position; hashtags and mentions inside links are not counted."""
    entities: list[Entity] = []
    taken: list[tuple[int, int]] = []
    for m in URL_RE.finditer(text):
        url = _trim_url(m.group(0))
        if len(url) <= len("https://") or not _linkable(url):
            continue
        entities.append(Entity("url", m.start(), m.start() + len(url), url))
        taken.append((m.start(), m.start() + len(url)))

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for m in HASHTAG_RE.finditer(text):
        if free(m.start(), m.end()) and len(m.group(1)) <= 100:
            entities.append(Entity("hashtag", m.start(), m.end(), m.group(1)))
    for m in MENTION_RE.finditer(text):
        if free(m.start(), m.end()):
            entities.append(Entity("mention", m.start(), m.end(), m.group(1)))
    entities.sort(key=lambda e: e.start)
    return entities


def hashtags(text: str) -> list[str]:
    """Distinct hashtag names in order of first use, as written."""
    seen: dict[str, str] = {}
    for e in find_entities(text):
        if e.kind == "hashtag":
            seen.setdefault(tag_key(e.value), e.value)
    return list(seen.values())


def mentions(text: str) -> list[str]:
    seen: dict[str, str] = {}
    for e in find_entities(text):
        if e.kind == "mention":
            seen.setdefault(e.value.lower(), e.value)
    return list(seen.values())


def _escape_lines(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "<br>")


def render(text: str, known_handles: set[str] | None = None) -> str:
    """The post as sanitised HTML: paragraphs, line breaks and links.

    `known_handles` (lower case) says which mentions become links; others stay text.
    """
    known = known_handles or set()
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    out = []
    for para in paragraphs:
        parts: list[str] = []
        pos = 0
        for e in find_entities(para):
            parts.append(_escape_lines(para[pos : e.start]))
            shown = html.escape(para[e.start : e.end])
            if e.kind == "url":
                href = html.escape(e.value, quote=True)
                parts.append(f'<a href="{href}" rel="nofollow noopener noreferrer">{shown}</a>')
            elif e.kind == "hashtag":
                href = "/tags/" + quote(tag_key(e.value))
                parts.append(f'<a href="{href}" class="hashtag">{shown}</a>')
            elif e.value.lower() in known:
                href = "/@" + quote(e.value)
                parts.append(f'<a href="{href}" class="mention">{shown}</a>')
            else:
                parts.append(shown)
            pos = e.end
        parts.append(_escape_lines(para[pos:]))
        out.append("<p>" + "".join(parts) + "</p>")
    return sanitise("".join(out))


def sanitise(fragment: str) -> str:
    """Only p, br, span and a (http/https links, with rel set) survive."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="nofollow noopener noreferrer",
    )


def plain_text(fragment: str) -> str:
    """Sanitised HTML back to plain text (for exports and notifications)."""
    no_tags = nh3.clean(fragment.replace("<br>", "\n").replace("</p><p>", "\n\n"), tags=set())
    return html.unescape(no_tags)
