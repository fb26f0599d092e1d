"""/@<handle>/, following from it, and /profiles/switch/."""

import time_machine

from accounts import actions
from accounts.middleware import SESSION_KEY
from accounts.models import Follow
from posts import actions as post_actions


def test_anyone_sees_a_profile_with_its_details_and_posts(client, hana):
    actions.update_profile(
        user=hana.user,
        profile=hana.profile,
        bio="Host of #auslibchat",
        website="https://hana.example.org",
    )
    post_actions.create_post(user=hana.user, profile=hana.profile, text="Welcome to #auslibchat")
    with time_machine.travel("2026-03-03 11:00:00+00:00", tick=False):
        r = client.get("/@HANA/")
    assert r.status_code == 200
    text = r.text
    assert "Hana" in text and "@hana" in text and "Hong Kong" in text
    assert "Host of #auslibchat" in text
    assert 'href="https://hana.example.org"' in text
    # Local time in the profile's zone (UTC+8).
    assert ">19:00</time> (Asia/Hong_Kong)" in text
    assert "Welcome to" in text
    assert "<strong>1</strong> post" in text
    assert 'src="/avatars/hana.svg"' in text
    assert "Follow" not in text.split("</h1>")[1].split("</section>")[0]


def test_an_unknown_profile_is_a_404(client, db):
    r = client.get("/@nobody/")
    assert r.status_code == 404
    assert "Not found" in r.text


def test_the_viewer_follows_and_unfollows_as_the_active_profile(client, pat, hana):
    client.force_login(pat.user)
    r = client.get("/@hana/")
    assert 'action="/@hana/follow/"' in r.text
    r = client.post("/@hana/follow/")
    assert r.status_code == 302 and r.url == "/@hana/"
    assert Follow.objects.filter(follower=pat.profile, followee=hana.profile).exists()
    r = client.get("/@hana/")
    assert 'action="/@hana/unfollow/"' in r.text
    assert "<strong>1</strong> follower" in r.text
    client.post("/@hana/unfollow/")
    assert not Follow.objects.exists()


def test_following_as_an_organisation_profile(client, pat, hana, hklibconnect):
    client.force_login(pat.user)
    client.post("/profiles/switch/", {"profile": hklibconnect.id})
    client.post("/@hana/follow/")
    assert Follow.objects.filter(follower=hklibconnect, followee=hana.profile).exists()


def test_follow_needs_a_login_and_a_post(client, pat, hana):
    assert client.post("/@hana/follow/").status_code == 302
    assert not Follow.objects.exists()
    client.force_login(pat.user)
    assert client.get("/@hana/follow/").status_code == 405


def test_own_profile_has_an_edit_link_and_a_compose_box(client, pat):
    client.force_login(pat.user)
    r = client.get("/@pat/")
    assert 'href="/settings/">Edit profile' in r.text
    assert 'action="/posts/new/"' in r.text


def test_switching_to_a_managed_profile(client, pat, hklibconnect):
    client.force_login(pat.user)
    r = client.post("/profiles/switch/", {"profile": hklibconnect.id, "next": "/@pat/"})
    assert r.status_code == 302 and r.url == "/@pat/"
    assert client.session[SESSION_KEY] == str(hklibconnect.id)
    assert client.get("/").context["active_profile"] == hklibconnect


def test_switching_to_a_profile_one_does_not_manage_is_refused(client, olly, hklibconnect):
    client.force_login(olly.user)
    r = client.post(
        "/profiles/switch/",
        {"profile": hklibconnect.id, "next": "https://evil.example/"},
        follow=True,
    )
    assert SESSION_KEY not in client.session
    assert "You cannot act as that profile." in r.text
    assert r.redirect_chain[0][0] == "/"
