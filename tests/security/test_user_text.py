"""User text that tries to become markup (script tags, javascript: links, event
handlers, entity tricks) is shown as text on every page, export, feed and API."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import markdown
import pytest
import time_machine
from django.test import Client

from accounts import actions as account_actions
from tests.security.conftest import NOW, fill, make_world, page_routes
from transcripts import actions as transcript_actions
from transcripts.downloads import FORMATS

PAYLOADS = [
    '<script>alert("x1")</script>',
    '<a href="javascript:alert(2)">j</a>',
    "<img src=x onerror=alert(3)>",
    "&lt;script&gt;alert(4)&lt;/script&gt;",
    "jav&#x61;script:alert(5)",
    '"><svg onload=alert(6)>',
    "javascript:alert(7)",
    'https://x.example/"onmouseover="alert(8)',
    "</textarea></title><script>alert(9)</script>",
    "[click](javascript:alert(10)) ![i](x onerror=alert(11))",
]
EVIL = " ".join(PAYLOADS)
SCRIPT_TYPES_THAT_DO_NOT_RUN = ("application/json", "application/ld+json")
URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "data", "poster")


class Scan(HTMLParser):
    """Collects what would run in a browser."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): v or "" for k, v in attrs}
        if tag == "script":
            kind = a.get("type", "").lower()
            if (
                not a.get("src", "").startswith("/static/")
                and kind not in SCRIPT_TYPES_THAT_DO_NOT_RUN
            ):
                self.problems.append(f"inline <script {a}>")
        if tag in ("iframe", "object", "embed", "base"):
            self.problems.append(f"<{tag}>")
        for name, value in a.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRS:
                squashed = re.sub(r"[\s\x00-\x1f]+", "", value).lower()
                if squashed.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def problems_in_html(text: str) -> list[str]:
    scan = Scan()
    scan.feed(text)
    scan.close()
    return scan.problems


def problems_in(content_type: str, body: str, html_keys=("html", "content")) -> list[str]:
    """What would run where `body` is shown; in JSON, the values under `html_keys` are
    HTML (a Mastodon account's "note" is too; the transcript's "note" is plain text)."""
    if "html" in content_type:
        return problems_in_html(body)
    if "markdown" in content_type:
        # What a blog shows when it renders the Markdown export.
        return problems_in_html(markdown.markdown(body))
    if "atom" in content_type or "xml" in content_type:
        found = []
        for element in ET.fromstring(body).iter():
            if element.get("type") in ("html", "xhtml") and element.text:
                found += problems_in_html(element.text)
        return found
    if "json" in content_type:
        found = []

        def walk(value, key=""):
            if isinstance(value, dict):
                for k, v in value.items():
                    walk(v, k)
            elif isinstance(value, list):
                for v in value:
                    walk(v, key)
            elif isinstance(value, str) and key in html_keys:
                found.extend(problems_in_html(value))

        walk(json.loads(body))
        return found
    return []


@pytest.fixture
def evil_world(hana, ngac, pat, olly, hklibconnect):
    with time_machine.travel(NOW, tick=False):
        account_actions.update_profile(
            user=olly.user, profile=olly.profile, display_name=EVIL[:100], bio=EVIL[:500]
        )
        world = make_world(
            hana,
            ngac,
            pat,
            olly,
            hklibconnect,
            texts={
                "title": EVIL[:200],
                "description": EVIL,
                "topic": EVIL[:200],
                "question": EVIL[:300],
                "pat": "A1 " + EVIL[:450] + " #auslibchat",
                "olly": EVIL[:480],
            },
        )
        transcript_actions.set_introduction(user=hana.user, event=world.event, text=EVIL)
        transcript_actions.set_note(user=hana.user, event=world.event, group="q1", note=EVIL)
    return world


def test_no_user_text_becomes_markup_anywhere(evil_world, hana, pat):
    later = evil_world.event.ends_at + timedelta(hours=1)
    urls = [fill(route, evil_world.params) for route, _ in page_routes()]
    urls += [
        fill(r, {**evil_world.params, "fmt": fmt})
        for fmt in FORMATS
        for r, n in page_routes()
        if n == "transcript-export"
    ]
    urls += ["/api/v1/timelines/tag/auslibchat", f"/api/v1/statuses/{evil_world.pat_post.id}"]
    urls += [f"/api/v1/accounts/{evil_world.olly_post.author_id}"]
    anonymous = Client()
    host = Client()
    host.force_login(hana.user)
    seen = 0
    shown = 0
    with time_machine.travel(later, tick=False):
        for url in urls:
            for client in (anonymous, host):
                response = client.get(url)
                if response.status_code != 200 or getattr(response, "streaming", False):
                    continue
                body = response.content.decode()
                keys = ("html", "content", "note") if url.startswith("/api/v1/") else ("html",)
                problems = problems_in(response.get("Content-Type", ""), body, keys)
                assert problems == [], f"{url}: {problems}"
                seen += 1
                shown += "alert(" in body
    assert seen >= 40
    # The payloads are on the pages, as text.
    assert shown >= 20


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_is_shown_as_the_text_typed(clock, pat, payload):
    from posts.actions import create_post

    post = create_post(user=pat.user, profile=pat.profile, text=payload)
    response = Client().get(f"/posts/{post.id}/")
    assert problems_in_html(response.content.decode()) == []
    assert problems_in_html(post.html) == []
    from posts.parsing import plain_text

    assert plain_text(post.html) == payload


def test_the_scanner_finds_what_would_run():
    # The checks above can fail: each of these is caught.
    for html in [
        "<script>alert(1)</script>",
        '<a href=" jav\tascript:alert(1)">x</a>',
        '<a href="jav&#x61;script:alert(1)">x</a>',
        "<img src=x onerror=alert(1)>",
        "<svg><a xlink:href=javascript:alert(1)>x</a></svg>",
        "<iframe src=//x.example></iframe>",
    ]:
        assert problems_in_html(html), html
    assert problems_in("text/markdown", "[x](javascript:alert(1))")
    assert problems_in_html('<script type="module" src="/static/hashchat/room.js"></script>') == []
