"""Transcript fixes: per-question counts agree between the page and the
statistics, places are one whatever their spelling, "most liked" ranks answers
(not the host's questions), the whole transcript is searchable, the highlights
export holds only what was highlighted, and Markdown links each post and shows
the chart."""

import re

from accounts.models import Profile
from posts import actions as post_actions
from transcripts import actions
from transcripts.building import build
from transcripts.downloads import render_export
from transcripts.statistics import compute, place_key


def url(chat) -> str:
    return f"/chats/auslibchat/events/{chat.event.id}/transcript/"


def test_the_page_and_the_statistics_give_each_question_the_same_count(client, chat):
    html = client.get(url(chat)).content.decode()
    stats = compute(build(chat.event))
    for group in stats.per_group:
        shown = re.search(
            rf'id="{group.key}".*?t-group-count muted small">(\d+) post', html, re.DOTALL
        )
        assert shown is not None, group.key
        assert int(shown.group(1)) == group.posts, group.key
        assert f">{group.label}</a>: {group.posts} post" in html


def test_places_are_one_whatever_their_spelling(chat, olly):
    Profile.objects.filter(pk=olly.profile.pk).update(location="Sydney,  Australia")
    stats = compute(build(chat.event))
    assert stats.locations == [("Sydney", 2), ("Hong Kong", 1)]
    assert place_key(" london , United Kingdom") == place_key("London") == "london"


def test_most_liked_leaves_out_the_hosts_questions(client, chat, pat, olly, hana):
    for person in (pat, olly, hana):
        post_actions.like(user=person.user, profile=person.profile, post=chat.posts["q1"])
    stats = compute(build(chat.event))
    assert chat.posts["q1"].id not in [i.id for i in stats.most_liked]
    assert stats.most_liked[0].id == chat.posts["a1_pat"].id
    assert "the host’s questions are left out" in client.get(url(chat)).content.decode()


def test_the_whole_transcript_is_searchable_in_the_page(client, chat):
    page = client.get(url(chat) + "?q=patience").content.decode()
    assert "1 post match “patience”" in page
    assert f'#p{chat.posts["a1_hk"].id}"' in page
    assert "0 posts match" in client.get(url(chat) + "?q=zeppelin").content.decode()


def test_the_highlights_export_holds_only_highlighted_posts(chat, hana):
    actions.mark_post(
        user=hana.user, event=chat.event, post_id=str(chat.posts["a2_olly"].id), highlighted=True
    )
    text = render_export(chat.event, "highlights.md")
    assert text.startswith("# Highlights of \\#auslibchat: Customer Service")
    assert chat.posts["a2_olly"].text.split(" http")[0][:20] in text
    assert "Smiles and patience" not in text
    assert f"/posts/{chat.posts['a2_olly'].id}/" in text


def test_a_highlighted_post_under_a_content_warning_keeps_it_first(chat, hana):
    post = chat.posts["a2_olly"]
    type(post).objects.filter(pk=post.id).update(spoiler_text="Queues")
    actions.mark_post(user=hana.user, event=chat.event, post_id=str(post.id), highlighted=True)
    text = render_export(chat.event, "highlights.md")
    assert text.index("> *Content warning: Queues*") < text.index("> A2 long queues")


def test_markdown_links_each_post_and_shows_the_chart(chat):
    text = render_export(chat.event, "md")
    assert (
        f"![Posts per minute over the hour](http://testserver{url(chat)}activity.svg)"
        in (text.replace("http://localhost:8000", "http://testserver"))
        or "activity.svg)" in text
    )
    for key in ("a1_pat", "a1_hk", "a2_olly"):
        assert f"/posts/{chat.posts[key].id}/)" in text
