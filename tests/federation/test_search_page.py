"""The search page finds local things, and looks up remote ones by @user@domain or URL."""

from django.test import Client

from accounts.models import Profile
from posts import actions as post_actions
from posts.models import Post
from tests.federation.conftest import THERE

PAT = f"{THERE}/users/pat"


def logged_in(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_it_finds_profiles_hashtags_and_posts_here(hana, pat):
    post_actions.create_post(
        user=pat.user, profile=pat.profile, text="Welcoming libraries #libchat"
    )
    page = Client().get("/search/", {"q": "libchat"}).content.decode()
    assert "#libchat" in page and "Welcoming libraries" in page
    page = Client().get("/search/", {"q": "hana"}).content.decode()
    assert "@hana" in page
    assert "Look it up on its server" not in page


def test_it_looks_up_a_remote_profile(chat_b, hana):
    chat_b.objects[f"{THERE}/.well-known/webfinger?resource=acct:pat@chat-b.test"] = {
        "subject": "acct:pat@chat-b.test",
        "links": [{"rel": "self", "type": "application/activity+json", "href": PAT}],
    }
    client = logged_in(hana)
    page = client.get("/search/", {"q": "@pat@chat-b.test"}).content.decode()
    assert "Look it up on its server" in page
    answer = client.post("/search/look-up/", {"q": "@pat@chat-b.test"})
    assert answer.status_code == 302 and answer["Location"] == "/@pat@chat-b.test/"
    assert client.get(answer["Location"]).status_code == 200
    assert Profile.objects.filter(uri=PAT).exists()


def test_it_looks_up_a_remote_post(chat_b, hana):
    note = chat_b.note(3, "<p>A2 found by its address</p>")
    answer = logged_in(hana).post("/search/look-up/", {"q": note["id"]})
    post = Post.objects.get(uri=note["id"])
    assert answer["Location"] == f"/posts/{post.id}/"


def test_nothing_found_says_so(chat_b, hana):
    client = logged_in(hana)
    answer = client.post("/search/look-up/", {"q": "@ghost@chat-b.test"}, follow=True)
    assert "Nothing was found" in answer.content.decode()


def test_looking_up_needs_a_login_and_federation(chat_b, settings, hana):
    assert Client().post("/search/look-up/", {"q": "@pat@chat-b.test"}).status_code == 302
    settings.BASE_URL = "http://127.0.0.1:8000"
    answer = logged_in(hana).post("/search/look-up/", {"q": "@pat@chat-b.test"}, follow=True)
    assert "Give @user@domain" in answer.content.decode()
    assert chat_b.requests == []
