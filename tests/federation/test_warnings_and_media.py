"""Content warnings, attachments, polls and avatars across servers. hashchat keeps
no media and has no polls: a remote note's attachments are kept as their remote
URLs (links under the text, MediaAttachments pointing at the remote server in the
Mastodon API) and a Question is stored as a post listing its options."""

import json
from datetime import timedelta

import pytest
from django.test import Client

from accounts.models import Follow, Profile
from chats import scheduler
from federation import objects
from federation.models import Delivery
from posts import actions as post_actions
from posts.models import Post
from tests.chats.conftest import FEB_CHAT, clock, event, series  # noqa: F401 (fixtures)
from tests.federation.conftest import THERE, signed_post
from tests.federation.test_inbox import activity, create

PAT = f"{THERE}/users/pat"
PHOTO = {
    "type": "Document",
    "mediaType": "image/jpeg",
    "url": f"{THERE}/media/desk.jpg",
    "name": "A reference desk with three librarians",
    "blurhash": "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH",
    "width": 1200,
    "height": 800,
}


def test_a_remote_content_warning_and_attachment_are_kept(chat_b, as_hana):
    note = chat_b.note(
        1,
        "<p>A1 our desk after the flood #auslibchat</p>",
        summary="Water damage",
        sensitive=True,
        attachment=[PHOTO, {"type": "Document", "url": "javascript:alert(1)"}],
    )
    assert signed_post("/inbox", create(note)).status_code == 202
    post = Post.objects.get(uri=note["id"])
    assert (post.spoiler_text, post.sensitive) == ("Water damage", True)
    assert post.remote_attachments == [
        {
            "url": f"{THERE}/media/desk.jpg",
            "type": "image",
            "media_type": "image/jpeg",
            "description": "A reference desk with three librarians",
            "blurhash": PHOTO["blurhash"],
            "width": 1200,
            "height": 800,
        }
    ]
    # Shown as a link named by its alt text; the unsafe one is dropped.
    assert f'<a href="{THERE}/media/desk.jpg"' in post.html
    assert "A reference desk with three librarians</a>" in post.html
    assert "javascript" not in post.html
    status = as_hana.get(f"/api/v1/statuses/{post.id}").json()
    assert status["spoiler_text"] == "Water damage" and status["sensitive"] is True
    [media] = status["media_attachments"]
    assert media["type"] == "image"
    assert media["url"] == media["remote_url"] == f"{THERE}/media/desk.jpg"
    assert media["description"] == "A reference desk with three librarians"
    assert media["blurhash"] == PHOTO["blurhash"]
    assert media["meta"] == {"original": {"width": 1200, "height": 800}}
    page = Client().get(f"/posts/{post.id}/").content.decode()
    assert '<details class="content-warning"><summary>Water damage</summary>' in page


def test_an_update_changes_the_warning_and_attachments(chat_b, db):
    note = chat_b.note(1, "<p>before</p>", summary="Spoilers")
    signed_post("/inbox", create(note))
    changed = {**note, "content": "<p>after</p>", "summary": None, "attachment": [PHOTO]}
    assert signed_post("/inbox", activity("Update", changed, 2)).status_code == 202
    post = Post.objects.get(uri=note["id"])
    assert post.spoiler_text == "" and post.text.startswith("after")
    assert [a["url"] for a in post.remote_attachments] == [PHOTO["url"]]


def test_a_remote_poll_is_stored_as_a_post_listing_its_options(chat_b, as_hana):
    question = chat_b.note(
        1,
        "<p>Which catalogue do you use? #auslibchat</p>",
        type="Question",
        oneOf=[
            {"type": "Note", "name": "Koha", "replies": {"type": "Collection", "totalItems": 3}},
            {"type": "Note", "name": "Alma <script>x()</script>"},
        ],
    )
    assert signed_post("/inbox", create(question)).status_code == 202
    post = Post.objects.get(uri=question["id"])
    assert "○ Koha" in post.text and "○ Alma" in post.text
    assert "<script>" not in post.html and "&lt;script&gt;" in post.html
    assert [t.name_lower for t in post.hashtags.all()] == ["auslibchat"]
    assert as_hana.get(f"/api/v1/statuses/{post.id}").json()["poll"] is None


def test_a_remote_actors_icon_is_its_avatar(chat_b, as_hana):
    chat_b.actor("pat", icon={"type": "Image", "url": f"{THERE}/media/pat.png"})
    signed_post("/inbox", create(chat_b.note(1, "<p>hi</p>")))
    pat = Profile.objects.get(uri=PAT)
    assert pat.avatar_url() == f"{THERE}/media/pat.png"
    account = as_hana.get(f"/api/v1/accounts/{pat.id}").json()
    assert account["avatar"] == f"{THERE}/media/pat.png"
    post = Post.objects.get(author=pat)
    page = Client().get(f"/posts/{post.id}/").content.decode()
    assert f'src="{THERE}/media/pat.png"' in page
    # A picture that is not https is not taken.
    changed = {**chat_b.objects[PAT], "icon": {"type": "Image", "url": "http://chat-b.test/x.png"}}
    signed_post("/inbox", activity("Update", changed, 2))
    pat.refresh_from_db()
    assert pat.remote_avatar_url == "" and pat.avatar_url().endswith(".svg")


def test_a_local_content_warning_goes_out_as_summary(
    chat_b, as_hana, hana, django_capture_on_commit_callbacks
):
    pat = Profile.objects.create(
        handle="pat@chat-b.test",
        domain="chat-b.test",
        uri=PAT,
        inbox_url=f"{PAT}/inbox",
        shared_inbox_url=f"{THERE}/inbox",
    )
    Follow.objects.create(follower=pat, followee=hana.profile)
    with django_capture_on_commit_callbacks(execute=True):
        answer = as_hana.post(
            "/api/v1/statuses", {"status": "Q1 the flood #libchat", "spoiler_text": "Water damage"}
        )
    assert answer.status_code == 200, answer.content
    assert answer.json()["spoiler_text"] == "Water damage"
    assert answer.json()["sensitive"] is True
    sent = json.loads(Delivery.objects.get().body)["object"]
    assert sent["summary"] == "Water damage" and sent["sensitive"] is True
    assert sent["attachment"] == []
    post = Post.objects.get(pk=answer.json()["id"])
    with django_capture_on_commit_callbacks(execute=True):
        edited = as_hana.put(
            f"/api/v1/statuses/{post.id}", {"status": "Q1 the flood #libchat", "spoiler_text": ""}
        )
    assert edited.json()["spoiler_text"] == "" and edited.json()["sensitive"] is False
    note = objects.note(Post.objects.get(pk=post.id))
    assert note["summary"] is None and note["sensitive"] is False
    too_long = as_hana.post("/api/v1/statuses", {"status": "x", "spoiler_text": "w" * 501})
    assert too_long.status_code == 422 and "error" in too_long.json()
    assert Post.objects.count() == 1


def test_a_plain_post_has_no_summary(hana, federation_on):
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="plain")
    note = objects.note(post)
    assert note["summary"] is None and note["sensitive"] is False and note["attachment"] == []


@pytest.fixture
def live(clock, event, federation_on):  # noqa: F811
    clock.move_to(FEB_CHAT + timedelta(minutes=16))
    scheduler.run_due()
    return event


def test_the_room_folds_a_warned_answer(live, chat_b):
    note = chat_b.note(
        1,
        "<p>A1 the flood took the basement #auslibchat</p>",
        summary="Water damage",
        published=(FEB_CHAT + timedelta(minutes=16)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        attachment=[PHOTO],
    )
    assert signed_post("/inbox", create(note)).status_code == 202
    post = Post.objects.get(uri=note["id"])
    room = f"/chats/auslibchat/events/{live.id}/room/"
    html = Client().get(room).content.decode()
    article = html.split(f'id="post-{post.id}"', 1)[1].split("</article>", 1)[0]
    assert '<details class="content-warning"><summary>Water damage</summary>' in article
    assert f'href="{THERE}/media/desk.jpg"' in article
    items = Client().get(room + "posts.json").json()["items"]
    shown = next(i for i in items if i["id"] == str(post.id))
    assert shown["shown"]["spoiler_text"] == "Water damage"
