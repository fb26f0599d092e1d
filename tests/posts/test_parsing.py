"""posts.parsing: hashtags, mentions, links, and the sanitised HTML."""

from html.parser import HTMLParser

import pytest

from posts import parsing


def tags_and_attributes(html: str) -> list[tuple[str, dict]]:
    """The elements a browser would build from `html`."""
    found: list[tuple[str, dict]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collector().feed(html)
    return found


def test_hashtags_in_order_of_first_use_as_written():
    assert parsing.hashtags("#AusLibChat A1: yes #auslibchat #Q1_2026") == ["AusLibChat", "Q1_2026"]


@pytest.mark.parametrize(
    "text, tags",
    [
        ("我们的 #图书馆 很好", ["图书馆"]),
        ("#bibliothèque et #Ørsted", ["bibliothèque", "Ørsted"]),
        ("#café's hours", ["café"]),
        ("not a tag: #1 or #2026", []),
        ("mail me at a#b or x&#35;y", []),
        ("see https://example.org/page#section", []),
        ("(#auslibchat)", ["auslibchat"]),
    ],
)
def test_hashtags_with_unicode_and_edge_cases(text, tags):
    assert parsing.hashtags(text) == tags


def test_mentions_need_a_word_boundary():
    assert parsing.mentions("hi @Pat and @hana_k, mail me@example.org") == ["Pat", "hana_k"]
    assert parsing.mentions("@" + "a" * 31) == []


@pytest.mark.parametrize(
    "text, url",
    [
        ("See https://example.org/a.", "https://example.org/a"),
        ("(see https://example.org/a)", "https://example.org/a"),
        (
            "https://en.wikipedia.org/wiki/Library_(disambiguation)!",
            "https://en.wikipedia.org/wiki/Library_(disambiguation)",
        ),
        ("Really? https://example.org/q?x=1&y=2, ok", "https://example.org/q?x=1&y=2"),
        ('"https://example.org/quoted"', "https://example.org/quoted"),
    ],
)
def test_urls_lose_trailing_punctuation(text, url):
    found = [e.value for e in parsing.find_entities(text) if e.kind == "url"]
    assert found == [url]


def test_render_links_tags_known_mentions_and_urls():
    html = parsing.render("Hi @pat @ghost #AusLibChat https://example.org/x.", {"pat"})
    assert '<a href="/@pat" class="mention" rel="nofollow noopener noreferrer">@pat</a>' in html
    assert "@ghost" in html and 'href="/@ghost"' not in html
    assert 'href="/tags/auslibchat" class="hashtag"' in html and ">#AusLibChat</a>" in html
    assert (
        '<a href="https://example.org/x" rel="nofollow noopener noreferrer">https://example.org/x</a>.'
        in html
    )


def test_render_makes_paragraphs_and_line_breaks():
    assert parsing.render("one\ntwo\n\nthree") == "<p>one<br>two</p><p>three</p>"


def test_unicode_tags_link_to_an_encoded_path():
    assert 'href="/tags/%E5%9B%BE%E4%B9%A6%E9%A6%86"' in parsing.render("#图书馆")


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#60;script&#62;alert(1)&#60;/script&#62;",
        '<p onclick="alert(1)">hi</p>',
    ],
)
def test_typed_markup_stays_text(text):
    html = parsing.render(text)
    assert [tag for tag, _ in tags_and_attributes(html)] == ["p"]
    assert parsing.plain_text(html) == text


def test_javascript_links_are_not_links():
    html = parsing.render("javascript:alert(1) and JAVASCRIPT://x")
    assert "<a" not in html


def test_sanitise_removes_dangerous_markup_from_html():
    dirty = (
        '<p onmouseover="x()">hi <script>alert(1)</script>'
        '<a href="javascript:alert(1)" onclick="x()">j</a> '
        '<a href="https://ok.example">ok</a><img src=x onerror=alert(1)>'
        '<a href="jav&#x09;ascript:alert(1)">t</a></p>'
    )
    clean = parsing.sanitise(dirty)
    elements = tags_and_attributes(clean)
    assert {tag for tag, _ in elements} <= {"p", "a"}
    for _, attrs in elements:
        assert not any(name.startswith("on") for name in attrs)
        assert attrs.get("href", "https://").startswith(("https://", "http://"))
    assert '<a href="https://ok.example" rel="nofollow noopener noreferrer">ok</a>' in clean


def test_plain_text_turns_html_back_into_text():
    html = parsing.render("A & B <3\nnext\n\npara")
    assert parsing.plain_text(html) == "A & B <3\nnext\n\npara"
