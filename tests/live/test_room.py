"""The chat room page and its endpoints, in the Django test client."""

import json

from chats.models import ChatPost
from chats.room import compose_text
from live import payloads
from posts.actions import create_post
from posts.models import Post
from tests.live.conftest import DURING, room_url


def post_as(client, event, text, **extra):
    return client.post(
        room_url(event) + "post", {"text": text, **extra}, HTTP_ACCEPT="application/json"
    )


def test_it_appends_the_hashtag_and_the_answer_label():
    assert compose_text("Smiles", "auslibchat", 2) == "A2 Smiles #auslibchat"
    assert compose_text("a3 Smiles #AusLibChat", "auslibchat", 2) == "a3 Smiles #AusLibChat"
    assert compose_text("  ", "auslibchat", 2) == ""


def test_an_anonymous_visitor_can_watch_but_not_post(client, chat, pat):
    chat.clock.move_to(DURING)
    create_post(user=pat.user, profile=pat.profile, text="A1 Listening #auslibchat")
    page = client.get(room_url(chat))
    assert page.status_code == 200
    assert "A1 Listening" in page.content.decode()
    assert 'id="compose"' not in page.content.decode()

    refused = post_as(client, chat, "Let me in")
    assert refused.status_code == 403
    assert "error" in refused.json()
    form = client.post(room_url(chat) + "post", {"text": "Let me in"})
    assert form.status_code == 302 and form["Location"].startswith("/login/")
    assert not Post.objects.filter(text__contains="Let me in").exists()


def test_a_participant_posts_as_the_chosen_profile(client, chat, pat, hklibconnect):
    chat.clock.move_to(DURING)
    client.force_login(pat.user)
    answer = post_as(client, chat, "Service is listening", answer="1", profile=hklibconnect.id)
    assert answer.status_code == 201
    post = Post.objects.get(pk=answer.json()["item"]["id"])
    assert post.author == hklibconnect
    assert post.text == "A1 Service is listening #auslibchat"
    assert ChatPost.objects.get(post=post).event_id == chat.id


def test_posting_as_a_profile_one_does_not_manage_is_refused(client, chat, olly, hklibconnect):
    chat.clock.move_to(DURING)
    client.force_login(olly.user)
    refused = post_as(client, chat, "Hijack", profile=hklibconnect.id)
    assert refused.status_code == 422
    assert not Post.objects.filter(text__contains="Hijack").exists()


def test_the_room_shows_event_posts_with_hosts_highlighted(client, chat, hana, ngac, pat):
    chat.clock.move_to(DURING)
    create_post(
        user=hana.user, profile=ngac, text="Q1 What does good service look like? #auslibchat"
    )
    answer = create_post(user=pat.user, profile=pat.profile, text="A1 Smiles #auslibchat")
    # A reply without the hashtag still belongs to the chat.
    reply = create_post(user=hana.user, profile=ngac, text="Agreed!", in_reply_to=answer)
    html = client.get(room_url(chat)).content.decode()
    assert "Agreed!" in html
    assert f'id="post-{reply.id}"' in html
    host_article = html.split(f'id="post-{reply.id}"')[0].rsplit("<article", 1)[1]
    assert "is-host" in host_article


def test_a_hidden_post_disappears_from_the_room(
    client, chat, hana, ngac, pat, capture_events, django_capture_on_commit_callbacks
):
    chat.clock.move_to(DURING)
    rude = create_post(user=pat.user, profile=pat.profile, text="Something rude #auslibchat")
    assert "Something rude" in client.get(room_url(chat)).content.decode()

    client.force_login(hana.user)
    with django_capture_on_commit_callbacks(execute=True):
        hidden = client.post(
            room_url(chat) + f"posts/{rude.id}/hide",
            {"profile": ngac.id},
            HTTP_ACCEPT="application/json",
        )
    assert hidden.status_code == 200
    client.logout()
    assert "Something rude" not in client.get(room_url(chat)).content.decode()
    listed = client.get(room_url(chat) + "posts.json").json()["items"]
    assert str(rude.id) not in [item["id"] for item in listed]
    # Open rooms are told at once: the event stream carries the hide.
    sent = [(streams, e) for streams, e in capture_events if e["type"] == "chat.post_hidden"]
    assert sent and f"event:{chat.id}" in sent[0][0]
    name, data, _, _ = payloads.build(*sent[0])
    assert name == "chat.post_hidden" and json.loads(data)["post_id"] == str(rude.id)


def test_only_hosts_can_hide(client, chat, pat, olly):
    chat.clock.move_to(DURING)
    post = create_post(user=pat.user, profile=pat.profile, text="Fine post #auslibchat")
    client.force_login(olly.user)
    refused = client.post(room_url(chat) + f"posts/{post.id}/hide", HTTP_ACCEPT="application/json")
    assert refused.status_code == 403
    assert Post.objects.get(pk=post.pk).hidden_at is None


def test_likes_and_reposts_work_inline(client, chat, pat, olly):
    chat.clock.move_to(DURING)
    post = create_post(user=pat.user, profile=pat.profile, text="Like me #auslibchat")
    client.force_login(olly.user)
    liked = client.post(room_url(chat) + f"posts/{post.id}/like", HTTP_ACCEPT="application/json")
    assert liked.json()["counts"]["likes"] == 1
    reposted = client.post(
        room_url(chat) + f"posts/{post.id}/repost", HTTP_ACCEPT="application/json"
    )
    assert reposted.json()["counts"]["reposts"] == 1
    back = client.post(room_url(chat) + f"posts/{post.id}/unlike")
    assert back.status_code == 302
    assert Post.objects.get(pk=post.pk).like_count == 0


def test_older_posts_come_in_pages_by_id(client, chat, pat):
    chat.clock.move_to(DURING)
    made = [
        create_post(user=pat.user, profile=pat.profile, text=f"A1 number {i} #auslibchat")
        for i in range(5)
    ]
    first = client.get(room_url(chat) + "posts.json?limit=3").json()
    assert [i["id"] for i in first["items"]] == [str(p.id) for p in made[::-1][:3]]
    assert first["more"] is True
    rest = client.get(room_url(chat) + f"posts.json?before={first['items'][-1]['id']}").json()
    assert [i["id"] for i in rest["items"]] == [str(p.id) for p in made[1::-1]]
    newer = client.get(room_url(chat) + f"posts.json?after={made[2].id}").json()
    assert [i["id"] for i in newer["items"]] == [str(made[4].id), str(made[3].id)]
    assert client.get(room_url(chat) + "posts.json?before=x").status_code == 400


def test_before_the_start_it_counts_down_and_offers_rsvp(client, chat):
    chat.questions_public = True
    chat.save(update_fields=["questions_public"])
    html = client.get(room_url(chat)).content.decode()
    assert "Starts in" in html and 'class="countdown"' in html
    assert "#rsvp" in html
    assert "What gets in the way?" in html


def test_after_the_end_it_links_to_the_transcript(client, chat):
    chat.clock.move_to(chat.ends_at)
    html = client.get(room_url(chat)).content.decode()
    assert f"/chats/auslibchat/events/{chat.id}/transcript/" in html


def test_the_state_names_the_next_question(client, chat):
    chat.clock.move_to(DURING)
    state = client.get(room_url(chat) + "state.json").json()
    assert state["state"] == "live"
    assert state["next_label"] == "Welcome"


def test_an_unknown_event_is_not_found(client, chat):
    assert client.get(f"/chats/auslibchat/events/{chat.id + 1}/room/").status_code == 404
    assert client.get(f"/chats/other/events/{chat.id}/room/").status_code == 404


def article_of(html, post):
    return html.split(f'id="post-{post.id}"', 1)[1].split("</article>", 1)[0]


def test_a_question_post_is_badged_q_and_its_answers_a(client, chat, pat):
    from chats import scheduler

    chat.clock.move_to(DURING)
    asked_question = chat.questions.get(kind="question", number=1)
    scheduler.post_question(asked_question, now=DURING, worker="t")
    asked_question.refresh_from_db()
    question = asked_question.post
    answer = create_post(user=pat.user, profile=pat.profile, text="A1 Smiles #auslibchat")
    html = client.get(room_url(chat)).content.decode()
    asked = article_of(html, question)
    assert 'class="tag-label question-label">Q1<' in asked and ">A1<" not in asked
    assert 'class="tag-label answer-label">A1<' in article_of(html, answer)


def test_the_room_renders_the_latest_posts_and_offers_older_ones(client, chat, pat):
    from chats.room import ROOM_SHOWN

    chat.clock.move_to(DURING)
    made = [
        create_post(user=pat.user, profile=pat.profile, text=f"A1 number {i} #auslibchat")
        for i in range(ROOM_SHOWN + 2)
    ]
    html = client.get(room_url(chat)).content.decode()
    assert html.count('<article class="post room-post') == ROOM_SHOWN
    assert f'id="post-{made[-1].id}"' in html and f'id="post-{made[1].id}"' not in html
    oldest_shown = made[-ROOM_SHOWN]
    assert f'href="{room_url(chat)}?before={oldest_shown.id}">Load older posts</a>' in html
    older = client.get(room_url(chat) + f"?before={oldest_shown.id}").content.decode()
    assert f'id="post-{made[0].id}"' in older and f'id="post-{made[1].id}"' in older
    assert '<p class="older" hidden>' in older


def test_post_times_read_like_the_rest_of_the_site_in_the_profile_zone(client, chat, pat):
    chat.clock.move_to(DURING)
    pat.profile.timezone = "Asia/Hong_Kong"
    pat.profile.save(update_fields=["timezone"])
    post = create_post(user=pat.user, profile=pat.profile, text="A1 Smiles #auslibchat")
    client.force_login(pat.user)
    html = client.get(room_url(chat)).content.decode()
    local = post.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Hong_Kong"))
    expected = f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M} HKT"
    # Relative ("just now"), with the exact time in the viewer's zone in the title.
    assert f'data-relative title="{expected}">just now</time>' in article_of(html, post)
    assert 'aria-live="polite"></span>' not in html.split('id="compose-counter"', 1)[1][:80]


def test_the_room_knows_its_hosts_in_one_query(client, chat, hana, pat, olly):
    """Managers of the organiser and co-hosts moderate; everyone else does not. The
    page asks once whether the visitor may act as a host (it has the hosts' ids)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    chat.series.cohosts.add(pat.profile)
    chat.clock.move_to(DURING)
    for person, is_host in ((hana, True), (pat, True), (olly, False)):
        client.force_login(person.user)
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(room_url(chat)).content.decode()
        assert ('data-is-host="1"' in page) is is_host, person.user.username
        sqls = [q["sql"] for q in ctx.captured_queries]
        assert len([s for s in sqls if 'FROM "accounts_membership"' in s]) == 1, sqls
        assert len([s for s in sqls if "cohosts" in s]) == 1, sqls
