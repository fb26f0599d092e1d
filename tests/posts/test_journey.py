"""The whole social core through the pages, as two new users would use it: sign up,
create an organisation, post as either profile, reply, like, repost, follow a
hashtag, and see the notification the other user's reply produces."""

from django.test import Client

from accounts.models import Profile
from posts.models import Post


def sign_up(client, username):
    r = client.post(
        "/signup/",
        {"username": username, "email": f"{username}@example.org", "password": "a-long-passphrase"},
    )
    assert r.status_code == 302


def test_two_new_users_chat_through_the_pages(client, db):
    mei, raj = client, Client()
    sign_up(mei, "mei")
    sign_up(raj, "raj")

    # Mei creates an organisation profile; it becomes her active profile.
    mei.post(
        "/profiles/new/",
        {"handle": "HarbourLib", "display_name": "Harbour Library", "timezone": "Asia/Hong_Kong"},
    )
    org_id = mei.get("/").context["active_profile"].id
    mine_id = Profile.objects.get(handle="mei").id

    # She posts as either profile from the same compose box.
    mei.post("/posts/new/", {"text": "Welcome to #harbourchat", "profile": org_id, "next": "/"})
    mei.post(
        "/posts/new/",
        {"text": "Personally excited for #harbourchat", "profile": mine_id, "next": "/"},
    )
    welcome = Post.objects.get(text="Welcome to #harbourchat")
    assert welcome.author.handle == "HarbourLib"

    # Raj follows the hashtag, sees both posts at home, replies, likes and reposts.
    raj.post("/tags/harbourchat/follow/")
    home = raj.get("/").text
    assert "Welcome to" in home and "Personally excited" in home
    raj.post(
        "/posts/new/",
        {
            "text": "Glad to be here",
            "profile": raj.get("/").context["active_profile"].id,
            "in_reply_to": welcome.id,
        },
    )
    raj.post(f"/posts/{welcome.id}/like/")
    raj.post(f"/posts/{welcome.id}/repost/")

    # Mei, acting as the organisation, sees the reply, like and repost.
    assert mei.get("/").context["unread_count"] == 3
    notes = mei.get("/notifications/").text
    assert "replied to your post" in notes and "Glad to be here" in notes
    assert "liked your post" in notes and "reposted your post" in notes
    thread = mei.get(f"/posts/{welcome.id}/").text
    assert (
        "Glad to be here" in thread
        and 'aria-pressed="false">Like <span class="count">1</span>' in thread
    )
