"""A remote answer joins the chat exactly like a local one: linked to its question
(prefix and thread), announced in the room, counted, and in the transcript with its
handle and a link to the original."""

from datetime import timedelta

import pytest
from django.test import Client

from chats import scheduler
from chats.models import ChatPost, Question
from posts.models import Post
from tests.chats.conftest import FEB_CHAT, clock, event, series  # noqa: F401 (fixtures)
from tests.federation.conftest import THERE, signed_post
from tests.federation.test_inbox import activity, create
from transcripts.building import build

PAT = f"{THERE}/users/pat"


@pytest.fixture
def live(clock, event, federation_on):  # noqa: F811
    clock.move_to(FEB_CHAT + timedelta(minutes=16))
    scheduler.run_due()
    return event


def question_post(chat_event, number: int) -> Post:
    post = Question.objects.get(event=chat_event, number=number).post
    assert post is not None
    return post


def test_a_remote_reply_to_q1_answers_it_in_the_room_and_transcript(
    live, chat_b, capture_events, django_capture_on_commit_callbacks
):
    q1 = question_post(live, 1)
    note = chat_b.note(
        1,
        '<p><span class="h-card"><a href="https://chat-a.test/@NGAC" class="u-url mention">@NGAC</a></span>'
        " A1 a warm hello at the door #auslibchat</p>",
        inReplyTo=f"https://chat-a.test/@NGAC/{q1.id}",
        published=(FEB_CHAT + timedelta(minutes=16)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        tag=[{"type": "Hashtag", "name": "#auslibchat"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_post("/inbox", create(note)).status_code == 202
    post = Post.objects.get(uri=note["id"])
    link = ChatPost.objects.select_related("question").get(post=post)
    assert link.event == live and link.question.number == 1 and link.via == "prefix"
    assert post.in_reply_to_id == q1.id
    q1.refresh_from_db()
    assert q1.reply_count == 1
    room = [e for streams, e in capture_events if f"event:{live.id}" in streams]
    assert {
        "type": "chat.post",
        "event_id": str(live.id),
        "post_id": str(post.id),
        "question": 1,
    } in room
    tag_stream = [e for streams, e in capture_events if "hashtag:auslibchat" in streams]
    assert {"type": "post.created", "post_id": str(post.id)} in tag_stream

    built = build(live, live=True)
    item = built.items[post.id]
    assert item.group == "q1" and item.handle == "pat@chat-b.test"
    assert item.original_url == f"{THERE}/@pat/1"
    page = Client().get(f"/chats/auslibchat/events/{live.id}/transcript/")
    assert page.status_code == 200
    assert f'href="{THERE}/@pat/1"' in page.content.decode()


def test_a_remote_like_counts_on_the_question(live, chat_b):
    q1 = question_post(live, 1)
    like = activity("Like", f"https://chat-a.test/@NGAC/{q1.id}")
    assert signed_post("/inbox", like).status_code == 202
    q1.refresh_from_db()
    assert q1.like_count == 1
