"""Relays: an admin subscribes the server (the instance actor Follows the relay's actor),
the relay's Accept marks it subscribed, and of the posts it Announces those with a chat's
hashtag are fetched from their own server and join the chat; the others are dropped."""

import json
from datetime import timedelta

import pytest

from chats import scheduler
from chats.models import ChatPost
from core.errors import InvalidInput, NotAllowed
from federation import ids
from federation.models import Delivery
from gathering import relays
from gathering.models import Relay
from posts import actions as posts
from posts.models import Post
from tests.chats.conftest import FEB_CHAT, clock, event, series  # noqa: F401 (fixtures)
from tests.federation.conftest import THERE, signed_post

RELAY = f"{THERE}/users/relay"
RELAY_KEY = f"{RELAY}#main-key"


@pytest.fixture
def admin(hana):
    hana.user.is_staff = True
    hana.user.save(update_fields=["is_staff"])
    return hana.user


@pytest.fixture
def live(clock, event, federation_on):  # noqa: F811
    clock.move_to(FEB_CHAT + timedelta(minutes=16))
    scheduler.run_due()
    return event


@pytest.fixture
def subscribed(chat_b, admin) -> Relay:
    chat_b.actor("relay", type="Application")
    relay = relays.subscribe(user=admin, actor_url=RELAY)
    accept = {
        "id": f"{RELAY}#accept/1",
        "type": "Accept",
        "actor": RELAY,
        "object": relay.follow_id,
    }
    assert signed_post("/inbox", accept, key_id=RELAY_KEY).status_code == 202
    relay.refresh_from_db()
    return relay


def test_an_admin_subscribes_and_the_relay_accepts(subscribed):
    assert subscribed.state == Relay.State.ACCEPTED
    follow = json.loads(Delivery.objects.get().body)
    assert follow["type"] == "Follow" and follow["object"] == RELAY
    assert follow["actor"] == "https://chat-a.test/actor"
    assert Delivery.objects.get().inbox == f"{RELAY}/inbox"


def test_only_an_admin_subscribes(chat_b, hana):
    chat_b.actor("relay", type="Application")
    with pytest.raises(NotAllowed):
        relays.subscribe(user=hana.user, actor_url=RELAY)
    assert not Relay.objects.exists()


def test_an_address_without_a_relay_is_refused(chat_b, admin):
    with pytest.raises(InvalidInput):
        relays.subscribe(user=admin, actor_url=f"{THERE}/users/nobody")


def announce(number: int, note_uri: str) -> dict:
    return {
        "id": f"{RELAY}#announce/{number}",
        "type": "Announce",
        "actor": RELAY,
        "object": note_uri,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    }


def test_relayed_posts_with_the_hashtag_join_the_chat(live, chat_b, subscribed):
    when = (FEB_CHAT + timedelta(minutes=16)).strftime("%Y-%m-%dT%H:%M:%SZ")
    tagged = chat_b.note(
        1,
        "<p>A1 Through the relay #auslibchat</p>",
        published=when,
        tag=[{"type": "Hashtag", "name": "#auslibchat"}],
    )
    other = chat_b.note(
        2, "<p>Lunch #food</p>", published=when, tag=[{"type": "Hashtag", "name": "#food"}]
    )
    assert signed_post("/inbox", announce(1, tagged["id"]), key_id=RELAY_KEY).status_code == 202
    assert signed_post("/inbox", announce(2, other["id"]), key_id=RELAY_KEY).status_code == 202
    post = Post.objects.get(uri=tagged["id"])
    assert ChatPost.objects.get(post=post).question.number == 1
    assert not Post.objects.filter(uri=other["id"]).exists()
    # The relay's announce is not a repost by the relay.
    assert not Post.objects.filter(repost_of=post).exclude(author__kind="chat").exists()
    subscribed.refresh_from_db()
    assert subscribed.posts_in == 1


def test_unsubscribing_sends_undo(subscribed, admin):
    relays.unsubscribe(user=admin, relay=subscribed)
    undo = json.loads(Delivery.objects.order_by("-id").first().body)
    assert undo["type"] == "Undo" and undo["object"]["object"] == RELAY
    assert not Relay.objects.exists()


def test_public_posts_go_to_the_relays_that_accepted(
    subscribed, hana, django_capture_on_commit_callbacks
):
    def post(text: str, **more) -> Post:
        with django_capture_on_commit_callbacks(execute=True):
            return posts.create_post(user=hana.user, profile=hana.profile, text=text, **more)

    to_relay = Delivery.objects.filter(inbox=f"{RELAY}/inbox", body__contains='"Create"')
    public = post("Open to all #libchat")
    assert [json.loads(d.body)["object"]["id"] for d in to_relay] == [ids.note_id(public)]
    post("Quietly", visibility="unlisted")
    assert to_relay.count() == 1
    Relay.objects.update(state=Relay.State.PENDING)
    post("Before the relay answers")
    assert to_relay.count() == 1
