"""Properties of the post parser (posts/parsing.py), checked on generated text.

Hypothesis runs derandomised (the same examples every run) and without a deadline,
so these tests are deterministic and never time anything.
"""

import re
from html.parser import HTMLParser

from hypothesis import example, given
from hypothesis import strategies as st

from posts import parsing
from tests.fuzz import FUZZ

# Text as people type it, with the characters that matter to the parser made likely.
# A lone CR and NUL are left out: the HTML parser turns them into LF and nothing (the
# stored text keeps them as typed), so they cannot round-trip through HTML.
PIECES = st.sampled_from(
    [
        "#",
        "@",
        "#auslibchat",
        "@pat",
        "@Hana_1",
        "https://",
        "http://example.org/a?b=1&c=2#frag",
        "https://x.example/(paren)",
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        "<img src=x onerror=alert(1)>",
        "&lt;script&gt;",
        "jav&#x61;script:alert(1)",
        "javascript:alert(1)",
        "&amp;",
        "&#35;tag",
        '"',
        "'",
        "`",
        "/",
        ".",
        ")",
        "\n",
        "\n\n",
        " ",
        "A1",
        "#图书馆",
        "#1",
        "_",
    ]
)
CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\r\x00")
TEXT = st.lists(st.one_of(PIECES, st.text(CHARS, max_size=8)), max_size=30).map("".join)


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(fragment: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = TagCollector()
    collector.feed(fragment)
    collector.close()
    return collector.tags


def normalised(text: str) -> str:
    """What a post's text looks like after the trip through HTML: paragraphs split on
    blank lines, blank paragraphs dropped."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "\n\n".join(paragraphs)


@FUZZ
@given(TEXT)
@example('<a href="javascript:alert(1)" onclick="x()">#tag</a>')
@example('https://example.org/"onmouseover=alert(1)')
def test_rendering_yields_only_allowed_tags_and_attributes(text):
    for tag, attrs in tags_of(parsing.render(text, {"pat", "hana_1"})):
        assert tag in parsing.ALLOWED_TAGS
        assert set(attrs) <= parsing.ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}
        if tag == "a":
            href = attrs["href"] or ""
            assert href.startswith(("http://", "https://", "/tags/", "/@")), href
            assert attrs.get("rel") == "nofollow noopener noreferrer"


@FUZZ
@given(TEXT)
@example("&lt;script&gt; &amp;amp; jav&#x61;script:")
@example("a  \n\n\n b")
def test_text_round_trips_through_plain_text(text):
    assert parsing.plain_text(parsing.render(text)) == normalised(text)


@FUZZ
@given(TEXT)
def test_sanitising_rendered_html_changes_nothing(text):
    html = parsing.render(text, {"pat"})
    assert parsing.sanitise(html) == html


@FUZZ
@given(TEXT)
def test_entities_are_ordered_apart_and_match_the_text(text):
    entities = parsing.find_entities(text)
    for before, after in zip(entities, entities[1:], strict=False):
        assert before.end <= after.start
    for e in entities:
        written = text[e.start : e.end]
        if e.kind == "url":
            assert written == e.value
            assert re.match(r"https?://", written, re.IGNORECASE)
            assert not re.search(r"\s", written)
        elif e.kind == "hashtag":
            assert written == "#" + e.value
            assert not e.value.isdigit()
            assert len(e.value) <= 100
        else:
            assert written == "@" + e.value
            assert re.fullmatch(r"[A-Za-z0-9_]{1,30}", e.value)


@FUZZ
@given(TEXT)
def test_hashtags_and_mentions_are_distinct_and_found_in_the_text(text):
    tags = parsing.hashtags(text)
    handles = parsing.mentions(text)
    assert len({t.lower() for t in tags}) == len(tags)
    assert len({h.lower() for h in handles}) == len(handles)
    for tag in tags:
        assert "#" + tag in text
    for handle in handles:
        assert "@" + handle in text


@FUZZ
@given(TEXT)
def test_every_hashtag_becomes_a_link_to_its_tag_page(text):
    html = parsing.render(text)
    hrefs = {attrs["href"] for tag, attrs in tags_of(html) if tag == "a"}
    # A hashtag that straddles a blank line is not one: check paragraph by paragraph.
    for paragraph in re.split(r"\n\s*\n", text):
        for tag in parsing.hashtags(paragraph):
            from urllib.parse import quote

            assert "/tags/" + quote(tag.lower()) in hrefs


@FUZZ
@given(st.from_regex(r"[A-Za-z0-9_]{1,30}", fullmatch=True), TEXT)
def test_only_known_handles_become_mention_links(handle, text):
    post = f"{text} @{handle} "
    known = parsing.render(post, {handle.lower()})
    unknown = parsing.render(post, set())
    assert f'href="/@{handle}"' in known
    assert 'class="mention"' not in unknown
