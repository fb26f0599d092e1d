"""Remote profiles and posts have pages here like local ones, with links to their
originals, and following them from the web page federates."""

import json

from django.test import Client

from federation.models import Delivery
from posts.models import Post
from tests.federation.conftest import THERE, signed_post
from tests.federation.test_inbox import create

PAT = f"{THERE}/users/pat"


def test_a_remote_profile_and_its_post_have_pages(chat_b, hana, django_capture_on_commit_callbacks):
    signed_post("/inbox", create(chat_b.note(1, "<p>Hello from chat-b #libchat</p>")))
    post = Post.objects.get(uri=f"{PAT}/statuses/1")
    client = Client()
    client.force_login(hana.user)
    profile_page = client.get("/@pat@chat-b.test/")
    assert profile_page.status_code == 200
    assert "Hello from chat-b" in profile_page.content.decode()
    assert client.get(f"/posts/{post.id}/").status_code == 200
    assert client.get(f"/@pat@chat-b.test/{post.id}").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        followed = client.post("/@pat@chat-b.test/follow/")
    assert followed.status_code == 302
    sent = json.loads(Delivery.objects.get().body)
    assert sent["type"] == "Follow" and sent["object"] == PAT
