"""Blocks and mutes hold on every surface that lists posts or notifications: pages,
the chat room, the Mastodon API. Pat mutes Olly and blocks Hana; each surface is a
row of the table, and each is checked to show the same posts to someone else."""

import pytest
from django.test import Client

from accounts import actions as account_actions
from core.errors import NotAllowed
from mastodon_api import actions as oauth
from posts import actions as post_actions
from tests.mastodon_api.conftest import make_token

MUTED = "muted-marker-olly"
BLOCKED = "blocked-marker-hana"

SURFACES = [
    ("home page", "/", False),
    ("tag page", "/tags/auslibchat/", False),
    ("chat room posts", "/chats/auslibchat/events/{event}/room/posts.json", False),
    ("Mastodon home timeline", "/api/v1/timelines/home", True),
    ("Mastodon public timeline", "/api/v1/timelines/public", True),
    ("Mastodon tag timeline", "/api/v1/timelines/tag/auslibchat", True),
]


@pytest.fixture
def muted_and_blocked(world, hana, pat, olly):
    """Pat follows both, then mutes Olly and blocks Hana; both post in the chat."""
    import time_machine

    from tests.security.conftest import NOW

    with time_machine.travel(NOW, tick=False):
        account_actions.follow(user=pat.user, profile=pat.profile, target=olly.profile)
        account_actions.follow(user=pat.user, profile=pat.profile, target=hana.profile)
        account_actions.mute(user=pat.user, profile=pat.profile, target=olly.profile)
        account_actions.block(user=pat.user, profile=pat.profile, target=hana.profile)
        post_actions.create_post(
            user=olly.user, profile=olly.profile, text=f"A1 {MUTED} #auslibchat"
        )
        post_actions.create_post(
            user=hana.user, profile=hana.profile, text=f"A1 {BLOCKED} #auslibchat"
        )
    return world


@pytest.mark.parametrize("name,path,api", SURFACES, ids=[s[0] for s in SURFACES])
def test_pat_sees_neither_the_muted_nor_the_blocked(muted_and_blocked, pat, olly, name, path, api):
    world = muted_and_blocked
    url = path.format(event=world.event.id)
    client = Client()
    headers = {}
    if api:
        app = oauth.register_app(
            name="t", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read"
        )
        headers = {"Authorization": f"Bearer {make_token(app, pat, scopes='read')}"}
    else:
        client.force_login(pat.user)
    body = client.get(url, headers=headers).content.decode()
    assert MUTED not in body, f"{name} shows a muted profile's post"
    assert BLOCKED not in body, f"{name} shows a blocked profile's post"
    # The same surface shows them to someone who muted and blocked no one.
    other = Client()
    if api:
        app = oauth.register_app(
            name="t2", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read"
        )
        headers = {"Authorization": f"Bearer {make_token(app, olly, scopes='read')}"}
    else:
        other.force_login(olly.user)
    if name != "Mastodon home timeline" and name != "home page":
        seen = other.get(url, headers=headers).content.decode()
        assert MUTED in seen and BLOCKED in seen, f"{name} shows nothing to compare with"


def test_a_muted_profile_does_not_notify(muted_and_blocked, pat, olly):
    from tests.conftest import make_person

    kim = make_person("kim", display_name="Kim")
    post_actions.create_post(user=olly.user, profile=olly.profile, text="@pat hello from olly")
    post_actions.create_post(user=kim.user, profile=kim.profile, text="@pat hello from kim")
    client = Client()
    client.force_login(pat.user)
    page = client.get("/notifications/").content.decode()
    assert "hello from kim" in page
    assert "hello from olly" not in page


def test_a_blocked_profile_cannot_reply_to_like_or_repost(muted_and_blocked, hana, pat):
    with pytest.raises(NotAllowed):
        post_actions.create_post(
            user=hana.user,
            profile=hana.profile,
            text="a reply",
            in_reply_to=muted_and_blocked.pat_post,
        )
    with pytest.raises(NotAllowed):
        post_actions.like(user=hana.user, profile=hana.profile, post=muted_and_blocked.pat_post)
    with pytest.raises(NotAllowed):
        post_actions.repost(user=hana.user, profile=hana.profile, post=muted_and_blocked.pat_post)
