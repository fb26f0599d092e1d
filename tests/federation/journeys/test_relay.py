"""A real relay between the servers: ActivityRelay (from PyPI) at https://relay.test. chat-a's
admin subscribes from the admin's relays page, chat-b's admin subscribes too; Robin on chat-b,
whom nobody on chat-a follows, posts `A1 ... #libchat`; chat-b sends it to the relay (as it does
every public post), the relay Announces it to chat-a, and it joins the chat under Q1.

chat-a stops watching other servers' timelines first (the chat account journey watched chat-b's):
the relay is then the only way Robin's post can reach it, and nginx's log shows the hops.
"""

import re

import httpx
import pytest

from tests.federation.journeys import clients
from tests.federation.journeys.conftest import HASHTAG, PASSWORD
from tests.federation.journeys.lab import wait_for
from tests.federation.journeys.relay import RelayServer, start_relay

WITHIN = 60.0

STOP_WATCHING = """
from gathering.models import WatchedServer
WatchedServer.objects.all().delete()
"""

UNSUBSCRIBE = """
from accounts.models import User
from gathering import relays
from gathering.models import Relay
admin = User.objects.filter(is_staff=True).order_by("id").first()
for relay in Relay.objects.all():
    relays.unsubscribe(user=admin, relay=relay)
"""

RELAYS = """
from gathering.models import Relay
for relay in Relay.objects.all():
    print("RELAY", relay.actor_uri, relay.state, relay.posts_in)
"""

B_SUBSCRIBES = """
from accounts import actions as accounts
from gathering import relays
bea = accounts.create_user(username="bea", email="bea@example.org", password="{password}",
                           admin=True)
relays.subscribe(user=bea, actor_url="{actor}")
"""

ROBIN_POSTS = """
from accounts import actions as accounts
from posts import actions as posts
robin = accounts.sign_up(username="robin", email="robin@example.org", password="{password}",
                         display_name="Robin")
post = posts.create_post(user=robin, profile=robin.personal_profile, text="{text}")
print("POST", post.id)
"""


@pytest.fixture(scope="module")
def relay(lab, chat_a, chat_b):
    yield start_relay(lab, "relay.test")
    # The journeys after this one see the servers as they were: no relay between them.
    for server in (chat_a, chat_b):
        server.shell(UNSUBSCRIBE)


def relay_state(server, actor: str) -> tuple[str, int] | None:
    for line in server.shell(RELAYS).splitlines():
        if line.startswith(f"RELAY {actor} "):
            _, _, state, posts_in = line.split()
            return state, int(posts_in)
    return None


def subscribe_from_admin_page(server, username: str, password: str, actor: str) -> None:
    """Logs in to the server's admin site and adds the relay on its relays page."""
    origin = {"Origin": server.url}
    with httpx.Client(base_url=server.url, timeout=30, follow_redirects=True) as web:

        def form_token(path: str) -> str:
            page = web.get(path)
            page.raise_for_status()
            found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            assert found, f"no form on {path}"
            return found.group(1)

        token = form_token("/admin/login/?next=/admin/")
        login = {"csrfmiddlewaretoken": token, "username": username, "password": password}
        done = web.post("/admin/login/?next=/admin/", data=login, headers=origin)
        assert done.status_code == 200 and "/admin/login/" not in str(done.url), done.text[:500]
        token = form_token("/admin/gathering/relay/add/")
        added = {"csrfmiddlewaretoken": token, "actor_uri": actor, "_save": "Save"}
        done = web.post("/admin/gathering/relay/add/", data=added, headers=origin)
        assert done.status_code == 200, done.text[:500]
        assert str(done.url).endswith("/admin/gathering/relay/"), done.url


def test_a_post_on_b_reaches_a_chat_through_the_relay(
    lab, chat_a, chat_b, libchat, relay: RelayServer
):
    chat_a.shell(STOP_WATCHING)
    subscribe_from_admin_page(chat_a, "hana", PASSWORD, relay.actor)
    chat_b.shell(B_SUBSCRIBES.format(password=PASSWORD, actor=relay.actor))
    for server in (chat_a, chat_b):
        wait_for(
            lambda server=server: (relay_state(server, relay.actor) or ("",))[0] == "accepted",
            timeout=WITHIN,
            interval=0.5,
            what=f"the relay accepting {server.domain}",
        )
    text = f"A1 Found through the relay #{HASHTAG}"
    with clients.RoomWatcher(chat_a, HASHTAG, libchat.event_id) as room:
        out = chat_b.shell(ROBIN_POSTS.format(password=PASSWORD, text=text))
        post_id = next(line.split()[1] for line in out.splitlines() if line.startswith("POST "))
        uri = f"{chat_b.url}/@robin/{post_id}"
        event = room.chat_post(uri, timeout=WITHIN)
    assert event.data["question"] == 1
    on_a = event.data["status"]
    assert on_a["account"]["acct"] == "robin@chat-b.test"
    item = wait_for(
        lambda: clients.transcript_post(chat_a, libchat.event_id, on_a["id"]),
        timeout=WITHIN,
        what="the relayed post in A's transcript",
    )
    assert item["group"] == "q1" and "Found through the relay" in item["text"]
    # chat-a took it from the relay's Announce (not from a follow, nor a watched timeline).
    assert relay_state(chat_a, relay.actor) == ("accepted", 1)
    assert any(r.method == "POST" and r.status == 202 for r in lab.requests_to("relay.test"))
    assert any(
        r.method == "POST" and r.path == "/inbox" and "ActivityRelay" in r.agent
        for r in lab.requests_to("chat-a.test")
    ), "no POST from the relay to chat-a's inbox in nginx's log"
