"""The public transcript page, its parts, the chart, the feeds and the API."""

import json
from xml.etree import ElementTree

from django.template import Context, Template

from transcripts import parts

ATOM = "{http://www.w3.org/2005/Atom}"


def page_url(chat):
    return f"/chats/auslibchat/events/{chat.event.id}/transcript/"


def test_the_page_is_public_with_a_permalink_and_downloads(chat, client):
    response = client.get(page_url(chat))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{page_url(chat)}">' in body
    assert "hashchat/transcript.css" in body
    for fmt in ("md", "html", "json", "csv"):
        assert f'href="{page_url(chat)}export.{fmt}"' in body
    assert "Q1: What does good service look like?" in body
    assert "Agreed, listening first" in body
    assert "activity.svg" in body and "https://example.org/listen" in body


def test_the_permalink_spells_the_hashtag_as_the_series_does(chat, client):
    response = client.get(f"/chats/AusLibChat/events/{chat.event.id}/transcript/")
    assert response.status_code == 302 and response["Location"] == page_url(chat)


def test_a_private_series_transcript_is_for_hosts_only(chat, client, olly, hana):
    chat.event.series.is_public = False
    chat.event.series.save(update_fields=["is_public"])
    assert client.get(page_url(chat)).status_code == 404
    client.force_login(olly.user)
    assert client.get(page_url(chat) + "export.json").status_code == 404
    assert client.get(f"/api/hashchat/v1/events/{chat.event.id}/transcript").status_code == 404
    client.force_login(hana.user)
    assert client.get(page_url(chat)).status_code == 200
    assert "Customer Service" not in client.get("/transcripts.atom").content.decode()


def test_the_page_loads_in_parts(chat, client, monkeypatch):
    monkeypatch.setattr(parts, "PART_SIZE", 5)
    first = client.get(page_url(chat)).content.decode()
    assert "Next part (2 of" in first and "data-fragment" in first
    assert "Still thinking about this" not in first
    fragment = client.get(page_url(chat) + "?part=2&fragment=1").content.decode()
    assert "<html" not in fragment and "t-group" in fragment
    bodies = [client.get(page_url(chat) + f"?part={n}").content.decode() for n in range(2, 6)]
    assert any("Still thinking about this" in b for b in bodies)


def test_the_chart_is_an_svg_with_its_own_policy(chat, client):
    response = client.get(page_url(chat) + "activity.svg")
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "script-src" not in response["Content-Security-Policy"]
    assert response.content.startswith(b"<svg")


def test_the_html_download_is_a_standalone_file(chat, client):
    response = client.get(page_url(chat) + "export.html")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "'unsafe-inline'" in response["Content-Security-Policy"]


def test_the_feeds_list_ended_chats(chat, client):
    for url in ("/transcripts.atom", "/chats/auslibchat/transcripts.atom"):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/atom+xml")
        feed = ElementTree.fromstring(response.content)
        entries = feed.findall(f"{ATOM}entry")
        assert len(entries) == 1
        assert entries[0].find(f"{ATOM}title").text == "#auslibchat: Customer Service"
        link = entries[0].find(f"{ATOM}link").get("href")
        assert link.endswith(page_url(chat))
    assert client.get("/chats/nosuchchat/transcripts.atom").status_code == 404


def test_the_api_offers_every_format(chat, client):
    base = f"/api/hashchat/v1/events/{chat.event.id}/transcript"
    data = json.loads(client.get(base).content)
    assert data["event"]["topic"] == "Customer Service"
    assert client.get(base + "?format=md").content.startswith(b"# \\#auslibchat")
    assert client.get(base + "?format=csv")["Content-Type"].startswith("text/csv")
    assert b"<!doctype html>" in client.get(base + "?format=html").content
    bad = client.get(base + "?format=pdf")
    assert bad.status_code == 422 and "error" in json.loads(bad.content)
    missing = client.get("/api/hashchat/v1/events/1/transcript")
    assert missing.status_code == 404 and "error" in json.loads(missing.content)


def test_the_series_trend_include_renders(chat):
    html = Template('{% include "transcripts/_series_trend.html" %}').render(
        Context({"series": chat.event.series})
    )
    assert "Transcripts and turnout" in html
    assert "Customer Service" in html and "<td>6</td>" in html


def test_the_series_page_shows_the_trend(chat, client):
    body = client.get("/chats/auslibchat/").content.decode()
    assert "Transcripts and turnout" in body
    assert f"/chats/auslibchat/events/{chat.event.id}/transcript/" in body


def test_the_page_says_closed_once_the_tail_window_ends_even_before_freezing(chat, client):
    from datetime import timedelta

    chat.clock.move_to(chat.event.window_ends_at - timedelta(minutes=1))
    before = client.get(page_url(chat)).content.decode()
    assert "Still following late posts until" in before
    chat.clock.move_to(chat.event.window_ends_at)
    after = client.get(page_url(chat)).content.decode()
    assert "Still following" not in after
    assert "Closed: the chat's tail window ended" in after


def test_the_breadcrumb_names_the_hashtag_once(chat, client):
    series = chat.event.series
    series.title = "#auslibchat: the Australian library chat"
    series.save(update_fields=["title"])
    body = client.get(page_url(chat)).content.decode()
    crumb = body.split('class="muted">', 1)[1].split("</p>", 1)[0]
    assert crumb.lower().count("#auslibchat") == 1
    assert "the Australian library chat" in crumb


def test_each_question_group_folds_and_the_chart_scrolls_in_its_own_box(chat, client):
    body = client.get(page_url(chat)).content.decode()
    assert '<details class="t-group-details" open>' in body
    assert "<summary><h2>" in body and "t-group-count" in body
    assert 'class="t-scroll t-chart-scroll" tabindex="0" role="region"' in body
    assert 'aria-label="Questions"' in body
