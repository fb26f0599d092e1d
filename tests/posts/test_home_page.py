"""/ : the landing page for visitors, the home timeline for a login."""

from datetime import date, time

from accounts.actions import follow
from chats.actions import create_series
from posts import actions


def test_visitors_get_a_landing_page(client, db):
    r = client.get("/")
    assert r.status_code == 200
    assert "recurring hashtag chats" in r.text
    for link in ('href="/signup/"', 'href="/login/"', 'href="/chats/"'):
        assert link in r.text
    assert 'action="/posts/new/"' not in r.text


def test_the_timeline_shows_followed_posts_and_reposts_newest_first(act_as, pat, hana, olly):
    follow(user=pat.user, profile=pat.profile, target=hana.profile)
    by_olly = actions.create_post(user=olly.user, profile=olly.profile, text="Olly's thought")
    actions.repost(user=hana.user, profile=hana.profile, post=by_olly)
    actions.create_post(user=hana.user, profile=hana.profile, text="Hana's welcome")
    client = act_as(pat)
    r = client.get("/")
    assert r.status_code == 200
    text = r.text
    assert text.index("Hana's welcome") < text.index("Olly's thought")
    assert "Hana</a> reposted" in text


def test_the_compose_box_posts_as_the_active_profile_by_default(act_as, pat, hklibconnect):
    r = act_as(pat, hklibconnect).get("/")
    assert f'<option value="{hklibconnect.id}" selected>' in r.text
    assert f'<option value="{pat.profile.id}">' in r.text
    assert '<label for="compose-text">New post</label>' in r.text
    assert 'data-max-chars="500"' in r.text


def test_an_empty_timeline_says_how_to_fill_it(act_as, pat):
    r = act_as(pat).get("/")
    assert "Your timeline is empty" in r.text
    assert 'href="/chats/"' in r.text


def test_an_empty_timeline_suggests_chats_to_follow(act_as, pat, hana, ngac):
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
    client = act_as(pat)
    r = client.get("/")
    assert 'action="/tags/auslibchat/follow/"' in r.text
    assert "Follow #AusLibChat" in r.text
    client.post("/tags/auslibchat/follow/", {"next": "/"})
    assert 'action="/tags/auslibchat/follow/"' not in client.get("/").text


def test_older_posts_are_a_link_away(act_as, pat):
    posts = [
        actions.create_post(user=pat.user, profile=pat.profile, text=f"post {i}") for i in range(21)
    ]
    client = act_as(pat)
    r = client.get("/")
    assert f'href="?before={posts[1].id}"' in r.text
    older = client.get(f"/?before={posts[1].id}")
    assert "post 0" in older.text and "post 1<" not in older.text
    assert "Older posts" not in older.text


def test_followed_hashtags_are_listed_and_fill_the_timeline(act_as, pat, olly):
    actions.follow_tag(user=pat.user, profile=pat.profile, name="AusLibChat")
    actions.create_post(user=olly.user, profile=olly.profile, text="A1 #auslibchat")
    r = act_as(pat).get("/")
    assert 'href="/tags/auslibchat/">#AusLibChat</a>' in r.text
    assert "A1 " in r.text
