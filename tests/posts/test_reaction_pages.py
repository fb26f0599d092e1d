"""POST /posts/<id>/like/, unlike/, repost/, unrepost/ as the active profile."""

import pytest

from posts import actions
from posts.models import Like, Post


@pytest.fixture
def question(hana):
    return actions.create_post(user=hana.user, profile=hana.profile, text="Q1 #auslibchat")


def test_like_and_unlike_go_back_to_next(act_as, pat, question):
    client = act_as(pat)
    r = client.post(f"/posts/{question.id}/like/", {"next": "/tags/auslibchat/#p1"})
    assert r.status_code == 302 and r.url == "/tags/auslibchat/#p1"
    assert Like.objects.filter(profile=pat.profile, post=question).exists()
    client.post(f"/posts/{question.id}/unlike/")
    assert not Like.objects.exists()


def test_repost_and_undo_as_the_active_organisation_profile(act_as, pat, hklibconnect, question):
    client = act_as(pat, hklibconnect)
    r = client.post(f"/posts/{question.id}/repost/")
    assert r.url == f"/posts/{question.id}/"
    assert Post.objects.filter(repost_of=question, author=hklibconnect).exists()
    client.post(f"/posts/{question.id}/unrepost/")
    assert not Post.objects.filter(repost_of=question).exists()


def test_a_next_on_another_site_is_ignored(act_as, pat, question):
    r = act_as(pat).post(f"/posts/{question.id}/like/", {"next": "//evil.example/"})
    assert r.url == f"/posts/{question.id}/"


def test_liking_a_deleted_post_says_so(act_as, pat, hana, question):
    actions.delete_post(user=hana.user, post=question)
    r = act_as(pat).post(f"/posts/{question.id}/like/", follow=True)
    assert "This post has been deleted." in r.text
    assert not Like.objects.exists()


def test_reactions_need_a_login_and_a_post(client, pat, question):
    r = client.post(f"/posts/{question.id}/like/", {"next": "/tags/auslibchat/"})
    assert r.status_code == 302 and r.url == "/login/?next=/tags/auslibchat/"
    assert not Like.objects.exists()
    client.force_login(pat.user)
    assert client.get(f"/posts/{question.id}/like/").status_code == 405


def test_reacting_to_an_unknown_post_is_a_404(act_as, pat):
    assert act_as(pat).post("/posts/999/repost/").status_code == 404
