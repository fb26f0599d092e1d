"""/tags/<name>/ with following the hashtag."""

from datetime import date, time

from chats.actions import create_series
from posts import actions
from posts.models import TagFollow


def test_it_lists_public_posts_with_the_tag(client, pat, olly):
    actions.create_post(user=pat.user, profile=pat.profile, text="A1 #AusLibChat")
    actions.create_post(user=olly.user, profile=olly.profile, text="Off topic #other")
    actions.create_post(
        user=olly.user, profile=olly.profile, text="Quiet #auslibchat", visibility="unlisted"
    )
    r = client.get("/tags/auslibchat/")
    assert r.status_code == 200
    assert "<h1>#AusLibChat</h1>" in r.text
    assert "A1 " in r.text and "Off topic" not in r.text and "Quiet" not in r.text


def test_the_compose_box_is_prefilled_with_the_tag(client, pat):
    actions.create_post(user=pat.user, profile=pat.profile, text="#AusLibChat")
    client.force_login(pat.user)
    r = client.get("/tags/AUSLIBCHAT/")
    assert ">#AusLibChat </textarea>" in r.text
    assert 'name="next" value="/tags/AUSLIBCHAT/"' in r.text


def test_following_and_unfollowing_the_tag(client, pat):
    client.force_login(pat.user)
    r = client.get("/tags/auslibchat/")
    assert 'action="/tags/auslibchat/follow/"' in r.text
    r = client.post("/tags/auslibchat/follow/")
    assert r.status_code == 302 and r.url == "/tags/auslibchat/"
    assert TagFollow.objects.filter(profile=pat.profile, hashtag__name_lower="auslibchat").exists()
    assert 'action="/tags/auslibchat/unfollow/"' in client.get("/tags/auslibchat/").text
    client.post("/tags/auslibchat/unfollow/")
    assert not TagFollow.objects.exists()


def test_unicode_tags_have_pages(client, pat):
    actions.create_post(user=pat.user, profile=pat.profile, text="你好 #图书馆")
    r = client.get("/tags/%E5%9B%BE%E4%B9%A6%E9%A6%86/")
    assert r.status_code == 200
    assert "<h1>#图书馆</h1>" in r.text and "你好" in r.text


def test_a_tag_nobody_used_yet_has_an_empty_page(client, db):
    r = client.get("/tags/brandnew/")
    assert r.status_code == 200
    assert "No posts with #brandnew yet." in r.text


def test_what_is_not_a_hashtag_is_a_404(client, pat):
    assert client.get("/tags/1234/").status_code == 404
    client.force_login(pat.user)
    assert client.post("/tags/a-b/follow/").status_code == 404
    assert not TagFollow.objects.exists()


def test_following_needs_a_login(client, db):
    r = client.post("/tags/auslibchat/follow/")
    assert r.status_code == 302 and r.url.startswith("/login/")


def test_a_chats_hashtag_page_links_to_the_chat(act_as, client, pat, hana, ngac):
    create_series(
        user=hana.user,
        organiser=ngac,
        hashtag="AusLibChat",
        title="Australian library chat",
        timezone="Asia/Hong_Kong",
        rrule="FREQ=MONTHLY;BYDAY=1TU",
        start_time=time(19, 0),
        start_date=date(2027, 1, 1),
    )
    assert 'href="/chats/AusLibChat/"' in client.get("/tags/auslibchat/").text
    assert (
        "/chats/"
        not in act_as(pat).get("/tags/otherchat/").text.split("<main")[1].split("</main>")[0]
    )
