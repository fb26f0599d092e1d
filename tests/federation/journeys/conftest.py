"""The federation journeys' cast, on three servers under their own names with real TLS:

    https://chat-a.test  hashchat: Hana (an admin) and the organisation NGAC, which runs #libchat;
                         its chat is planned for later (`libchat_planned`), and the host brings
                         it forward to now when a journey needs it live (`libchat`: Q1 asked)
    https://chat-b.test  hashchat: Pat
    https://takahe.test  Takahē 0.11: alice
    https://relay.test   ActivityRelay (from PyPI), a LitePub/Mastodon relay

The lab (nginx, /etc/hosts names, servers) is up for the whole run and comes down at the end,
also when a test fails or the run is interrupted. Run with `make test-federation` (root).
"""

import signal
from dataclasses import dataclass

import httpx
import pytest
from mastodon import Mastodon

from tests.federation.journeys import clients
from tests.federation.journeys.lab import HashchatServer, Lab, TakaheServer, wait_for

ADDRESSES = {
    "chat-a.test": "127.0.0.2",
    "takahe.test": "127.0.0.3",
    "chat-b.test": "127.0.0.4",
    "relay.test": "127.0.0.5",
}
PASSWORD = "fedlab-Correct-Horse-42"
HASHTAG = "libchat"
Q1 = "What makes a library welcoming?"

SETUP_A = f"""
from datetime import time as t, timedelta
from django.utils import timezone
from accounts import actions as accounts
from chats import actions
hana = accounts.create_user(username="hana", email="hana@example.org", password="{PASSWORD}",
                            admin=True)
ngac = accounts.create_organisation(user=hana, handle="NGAC", display_name="ALIA NGAC")
series = actions.create_series(
    user=hana, organiser=ngac, hashtag="{HASHTAG}", title="Library chat",
    timezone="Asia/Hong_Kong", rrule="FREQ=DAILY", start_time=t(19, 0),
)
# Planned an hour from now: the host brings it forward (GO_LIVE) when a journey needs it live.
event = actions.create_event(
    user=hana, series=series, starts_at=timezone.now() + timedelta(hours=1),
    topic="Welcoming libraries",
    questions=[
        {{"kind": "question", "text": "{Q1}", "offset": 0}},
        {{"kind": "question", "text": "What would you change first?", "offset": 30}},
    ],
)
print("EVENT", event.id)
"""

GO_LIVE = """
from django.utils import timezone
from accounts.models import User
from chats import actions
from chats.models import Event
hana = User.objects.get(username="hana")
event = Event.objects.get(pk={event_id})
# A whole second: the Mastodon API gives Q1's created_at in milliseconds, and an archive of the
# chat from its start must not leave out a question asked within the start's millisecond.
actions.update_event(user=hana, event=event, starts_at=timezone.now().replace(microsecond=0))
"""

SETUP_B = f"""
from accounts import actions as accounts
accounts.sign_up(username="pat", email="pat@example.org", password="{PASSWORD}",
                 display_name="Pat")
"""


@pytest.fixture(scope="session")
def lab():
    # A run stopped with SIGTERM (CI timeouts, `kill`) still brings the lab down.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    lab = Lab.up(ADDRESSES)
    try:
        yield lab
    finally:
        lab.down()
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session")
def chat_a(lab) -> HashchatServer:
    return lab.hashchat("chat-a.test")


@pytest.fixture(scope="session")
def chat_b(lab) -> HashchatServer:
    server = lab.hashchat("chat-b.test")
    server.shell(SETUP_B)
    return server


@pytest.fixture(scope="session")
def takahe(lab) -> TakaheServer:
    return lab.takahe("takahe.test")


@dataclass
class Planned:
    """#libchat's event on A, before it is live; `live` once the host has brought it forward."""

    event_id: str
    live: bool = False


@pytest.fixture(scope="session")
def libchat_planned(chat_a) -> Planned:
    out = chat_a.shell(SETUP_A)
    return Planned(next(line.split()[1] for line in out.splitlines() if line.startswith("EVENT ")))


@dataclass
class Chat:
    """#libchat's live event on A and its first question, as A's API shows them."""

    event_id: str
    q1: dict  # the Status of Q1 on A


@pytest.fixture(scope="session")
def libchat(chat_a, libchat_planned) -> Chat:
    event_id = libchat_planned.event_id
    # The host moves the event's start to now (as on the event's edit page): it goes live.
    chat_a.shell(GO_LIVE.format(event_id=event_id))
    libchat_planned.live = True

    def asked():
        event = httpx.get(f"{chat_a.url}/api/hashchat/v1/events/{event_id}", timeout=10).json()
        # Questions are listed once asked (they are not public before).
        first = next((q for q in event["questions"] if q["number"] == 1), None)
        return first and first["post_id"]

    # The server's worker asks Q1 (from NGAC) as soon as the chat has started.
    q1_id = wait_for(asked, timeout=30, what="the worker asking Q1")
    q1 = clients.public_status(chat_a, q1_id).json()
    assert q1["content"].startswith("<p>Q1") or "Q1" in q1["content"], q1["content"]
    return Chat(event_id=event_id, q1=q1)


@pytest.fixture(scope="session")
def hana_a(chat_a, libchat) -> Mastodon:
    return clients.hashchat_client(chat_a, "hana", PASSWORD)


@pytest.fixture(scope="session")
def hana_admin_a(chat_a, libchat) -> Mastodon:
    """Hana as chat-a.test's admin (a token with the admin scopes)."""
    scopes = [*clients.SCOPES, "admin:read", "admin:write"]
    return clients.hashchat_client(chat_a, "hana", PASSWORD, scopes=scopes)


@pytest.fixture(scope="session")
def pat_b(chat_b) -> Mastodon:
    return clients.hashchat_client(chat_b, "pat", PASSWORD)


@pytest.fixture(scope="session")
def alice(takahe) -> Mastodon:
    return clients.takahe_client(takahe)
