"""Remote Notes read into what posts.actions stores (a RemoteNote and its text)."""

import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from django.utils.html import escape

from accounts.models import Profile
from federation import conf, jsonld, media, remote
from federation.jsonld import HostileObject
from posts import parsing
from posts.actions import RemoteNote
from posts.models import Post

logger = logging.getLogger("federation.notes")


# What is stored as a post: notes, articles, and polls (as a post listing its options).
STORED_TYPES = {"Note", "Article", "Question"}
MAX_OPTIONS = 20


def poll_options(note: dict[str, Any]) -> list[str]:
    """The names of a Question's options (oneOf, or anyOf for several answers)."""
    if "Question" not in jsonld.types(note):
        return []
    choices = note.get("oneOf") or note.get("anyOf") or []
    if not isinstance(choices, list):
        return []
    names = []
    for choice in choices[:MAX_OPTIONS]:
        if isinstance(choice, dict) and isinstance(choice.get("name"), str):
            names.append(jsonld.one_line(choice["name"], 200))
    return [n for n in names if n]


class NotStored(Exception):
    """A Note that is fine but that hashchat does not keep (followers-only, direct)."""


@dataclass
class ReadNote:
    text: str
    remote: RemoteNote
    visibility: str
    in_reply_to: str


def local_post_id(uri: str) -> int | None:
    """The id of a local post from its Note id (/@handle/ID on this server)."""
    base = conf.base_url()
    if not uri.startswith(base + "/@"):
        return None
    match = re.fullmatch(r"/@[^/]+/([0-9]{1,18})/?", unquote(uri[len(base) :]))
    return int(match.group(1)) if match else None


def post_by_uri(uri: str) -> Post | None:
    """A post known here by its Note id: a local one, or a stored remote one."""
    local_id = local_post_id(uri)
    if local_id is not None:
        return Post.objects.select_related("author").filter(pk=local_id, local=True).first()
    return Post.objects.select_related("author").filter(uri=uri).first()


def profile_by_actor_id(uri: str) -> Profile | None:
    base = conf.base_url()
    if uri.startswith(base + "/@"):
        handle = unquote(uri[len(base) + 2 :]).strip("/")
        return Profile.objects.filter(handle__iexact=handle, domain="").first()
    return Profile.objects.filter(uri=uri).exclude(domain="").first()


def read_note(note: dict[str, Any], actor: Profile) -> ReadNote:
    """Check a Note sent by `actor` and read it; HostileObject if it is not its own."""
    if not jsonld.types(note) & STORED_TYPES:
        raise NotStored(f"a {sorted(jsonld.types(note))} is not stored")
    note_id = jsonld.id_of(note, "note")
    if not jsonld.same_origin(note_id, actor.uri):
        raise HostileObject(f"{actor.uri} sent a note of another domain ({note_id})")
    attributed = note.get("attributedTo")
    if isinstance(attributed, list):
        attributed = attributed[0] if attributed else None
    if jsonld.id_of(attributed, "attributedTo") != actor.uri:
        raise HostileObject(f"{actor.uri} sent a note attributed to someone else")
    recipients = jsonld.addresses(note, "to")
    others = jsonld.addresses(note, "cc")
    public_names = {conf.PUBLIC, "as:Public", "Public"}
    if public_names & set(recipients):
        visibility = Post.Visibility.PUBLIC
    elif public_names & set(others):
        visibility = Post.Visibility.UNLISTED
    else:
        raise NotStored(f"{note_id} is not public (followers-only or direct)")
    content = jsonld.string(note, "content", required=False, max_length=100_000)
    html = parsing.sanitise(content)
    # hashchat has no polls: a Question's options are listed under its text.
    options = poll_options(note)
    if options:
        html += "<p>" + "<br>".join(f"○ {escape(o)}" for o in options) + "</p>"
    # Nor media: attachments are kept as their remote URLs and shown as links.
    attachments = media.read_attachments(note)
    html += media.links_html(attachments)
    text = parsing.plain_text(html).strip()
    if not text:
        raise NotStored(f"{note_id} has no text")
    hashtags: list[str] = []
    mentioned: list[Profile] = []
    tags = note.get("tag") or []
    if isinstance(tags, dict):
        tags = [tags]
    if not isinstance(tags, list) or len(tags) > 100:
        raise HostileObject("tag is not a list of at most 100")
    for tag in tags:
        if not isinstance(tag, dict):
            continue
        kind = tag.get("type")
        name = tag.get("name")
        if kind == "Hashtag" and isinstance(name, str):
            found = parsing.hashtags("#" + name.lstrip("#")[:100])
            hashtags += found[:1]
        elif kind == "Mention" and isinstance(tag.get("href"), str):
            profile = profile_by_actor_id(tag["href"])
            if profile is not None and profile not in mentioned:
                mentioned.append(profile)
    reply = note.get("inReplyTo")
    in_reply_to = jsonld.id_of(reply, "inReplyTo") if reply else ""
    url = note.get("url")
    if isinstance(url, dict):
        url = url.get("href")
    if not isinstance(url, str) or not jsonld.same_origin(url, note_id):
        url = note_id
    summary = jsonld.string(note, "summary", required=False, max_length=5_000)
    language = ""
    content_map = note.get("contentMap")
    if isinstance(content_map, dict) and content_map:
        language = str(next(iter(content_map)))[:16]
    return ReadNote(
        text=text,
        visibility=visibility,
        in_reply_to=in_reply_to,
        remote=RemoteNote(
            uri=note_id,
            url=url[:500],
            html=html,
            published=remote.published(note.get("published")),
            sensitive=note.get("sensitive") is True,
            spoiler_text=jsonld.one_line(
                parsing.plain_text(parsing.sanitise(summary)) if summary else "", 500
            ),
            attachments=attachments,
            mentioned=mentioned,
            hashtags=hashtags,
            language=language,
        ),
    )
