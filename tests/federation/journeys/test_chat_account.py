"""#libchat's own account, @libchat@chat-a.test, followed from Takahē and from a second hashchat
server: it boosts the chat's questions and posts to its followers, follows them back so that
their hashtag posts reach the chat without a reply or a mention, takes in posts that only
mention it, and un-boosts what a host hides.

The follows come first, while the chat is still planned for later (`libchat_planned`); then the
host brings the event forward to now, the worker asks Q1, and its boost is read from Takahē's
own Mastodon API. Q2, brought forward later, carries the module's other checks.
"""

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.federation.journeys import clients
from tests.federation.journeys.conftest import HASHTAG, PASSWORD
from tests.federation.journeys.lab import ROOT, wait_for

WITHIN = 60.0
ACCOUNT = f"{HASHTAG}@chat-a.test"

ASK_Q2_NOW = """
from accounts.models import User
from chats import actions
from chats.models import Question
hana = User.objects.get(username="hana")
q2 = Question.objects.get(event_id={event_id}, number=2)
actions.update_question(user=hana, question=q2, offset=0)
"""

HIDE = """
from accounts.models import User, Profile
from chats import actions
from chats.models import Event
from posts.models import Post
hana = User.objects.get(username="hana")
event = Event.objects.get(pk={event_id})
post = Post.objects.get(uri="{uri}")
actions.hide_post(user=hana, profile=event.series.organiser, event=event, post=post)
print("HIDDEN", post.id)
"""


def follows_back(client, account: dict) -> bool:
    relationship = client.account_relationships(account["id"])[0]
    return bool(relationship["following"] and relationship["followed_by"])


def not_live_yet(planned) -> None:
    if planned.live:
        pytest.fail(
            "#libchat went live before @libchat was followed (an earlier module of this run "
            "needed it live): run this module first, as the default order does."
        )


@pytest.fixture(scope="module")
def followed_from_takahe(alice, libchat_planned) -> dict:
    not_live_yet(libchat_planned)
    account = clients.resolve_account(alice, f"@{ACCOUNT}")
    alice.account_follow(account["id"])
    wait_for(
        lambda: follows_back(alice, account),
        timeout=WITHIN,
        interval=0.5,
        what="@libchat accepting alice's follow and following her back",
    )
    return account


@pytest.fixture(scope="module")
def followed_from_b(pat_b, libchat_planned) -> dict:
    not_live_yet(libchat_planned)
    account = clients.resolve_account(pat_b, f"@{ACCOUNT}")
    pat_b.account_follow(account["id"])
    wait_for(
        lambda: follows_back(pat_b, account),
        timeout=WITHIN,
        interval=0.5,
        what="@libchat accepting Pat's follow and following him back",
    )
    return account


@pytest.fixture(scope="module")
def live_after_follows(request, followed_from_takahe, followed_from_b):
    """#libchat live (Q1 asked) only once Takahē and B follow its account. Asked for here, not as
    an argument: pytest would set a session fixture up before these module ones."""
    return request.getfixturevalue("libchat")


@pytest.fixture(scope="module")
def q2(chat_a, live_after_follows) -> dict:
    libchat = live_after_follows
    """Q2, asked by the worker once the host has brought it forward to now."""
    chat_a.shell(ASK_Q2_NOW.format(event_id=libchat.event_id))

    def asked():
        event = httpx.get(
            f"{chat_a.url}/api/hashchat/v1/events/{libchat.event_id}", timeout=10
        ).json()
        second = next((q for q in event["questions"] if q["number"] == 2), None)
        return second and second["post_id"]

    q2_id = wait_for(asked, timeout=WITHIN, what="the worker asking Q2")
    return clients.public_status(chat_a, q2_id).json()


def boost_in_home(client, original_uri: str, *, timeout: float) -> dict:
    def found():
        for status in client.timeline_home(limit=40):
            reblog = status.get("reblog")
            if reblog and reblog["uri"] == original_uri:
                return status
        return None

    return wait_for(found, timeout=timeout, interval=0.5, what=f"a boost of {original_uri}")


def test_the_chat_account_is_a_group_found_by_webfinger(chat_a, libchat_planned):
    actor = clients.actor_of(f"@{ACCOUNT}")
    assert actor["type"] == "Group"
    assert actor["url"] == f"{chat_a.url}/chats/{HASHTAG}/"
    assert actor["icon"]["url"].startswith(chat_a.url)
    found = httpx.get(f"{chat_a.url}/api/v1/accounts/lookup", params={"acct": HASHTAG}).json()
    assert found["group"] is True
    page = httpx.get(f"{chat_a.url}/chats/{HASHTAG}/", timeout=10).text
    assert f"@{ACCOUNT}" in page and "Follow from your server" in page


def test_a_takahe_user_sees_q1_boosted_and_her_hashtag_post_joins_the_chat_under_it(
    lab, alice, chat_a, takahe, live_after_follows
):
    libchat = live_after_follows
    boosted = boost_in_home(alice, libchat.q1["uri"], timeout=WITHIN)
    assert boosted["account"]["acct"].lower() == ACCOUNT
    assert "What makes a library welcoming?" in boosted["reblog"]["content"]
    with clients.RoomWatcher(chat_a, HASHTAG, libchat.event_id) as room:
        posted_at = time.monotonic()
        post = alice.status_post(f"A1 A reading nook by the window #{HASHTAG}")
        event = room.chat_post(post["uri"], timeout=WITHIN)
    lab.note(
        "hashtag post (no reply, no mention) from Takahē to A's room, seconds", event.at - posted_at
    )
    assert event.data["question"] == 1
    on_a = event.data["status"]
    assert on_a["in_reply_to_id"] is None
    assert on_a["account"]["acct"] == takahe.acct
    item = wait_for(
        lambda: clients.transcript_post(chat_a, libchat.event_id, on_a["id"]),
        timeout=WITHIN,
        what="the Takahē hashtag post in A's transcript",
    )
    assert item["group"] == "q1"


def test_a_post_from_b_that_only_mentions_the_chat_account_lands_in_the_chat(
    pat_b, chat_a, live_after_follows, followed_from_b
):
    libchat = live_after_follows
    with clients.RoomWatcher(chat_a, HASHTAG, libchat.event_id) as room:
        post = pat_b.status_post(f"@{ACCOUNT} hello from the other server")
        event = room.chat_post(post["uri"], timeout=WITHIN)
    assert event.data["question"] is None
    assert event.data["status"]["account"]["acct"] == "pat@chat-b.test"
    on_a = event.data["status"]
    item = wait_for(
        lambda: clients.transcript_post(chat_a, libchat.event_id, on_a["id"]),
        timeout=WITHIN,
        what="B's mention in A's transcript",
    )
    assert "hello from the other server" in item["text"]


def test_a_hidden_post_is_unboosted(alice, pat_b, chat_a, live_after_follows, followed_from_b, q2):
    libchat = live_after_follows
    post = alice.status_post(f"A2 Something to hide #{HASHTAG}")
    # Pat, on B, follows @libchat: its boost of alice's post reaches his home timeline.
    boost_in_home(pat_b, post["uri"], timeout=WITHIN)
    out = chat_a.shell(HIDE.format(event_id=libchat.event_id, uri=post["uri"]))
    assert "HIDDEN" in out

    def unboosted():
        return not any(
            (s.get("reblog") or {}).get("uri") == post["uri"] for s in pat_b.timeline_home(limit=40)
        )

    wait_for(unboosted, timeout=WITHIN, interval=0.5, what="the boost undone on B")


def test_nothing_is_boosted_twice(chat_a, q2, followed_from_b, pat_b):
    boosts = [
        s for s in pat_b.timeline_home(limit=40) if (s.get("reblog") or {}).get("uri") == q2["uri"]
    ]
    assert len(boosts) == 1, boosts
    seen = httpx.get(f"{chat_a.url}/api/v1/statuses/{q2['id']}", timeout=10).json()
    assert seen["reblogs_count"] == 1


def test_hashchat_archive_on_b_rebuilds_the_chat_a_holds(chat_a, chat_b, live_after_follows, q2):
    """`hashchat archive` on chat-b.test reads chat-a.test's #libchat timeline and builds a
    transcript whose groups and posts are those of A's chat (its posts with the hashtag)."""
    libchat = live_after_follows
    event = httpx.get(f"{chat_a.url}/api/hashchat/v1/events/{libchat.event_id}", timeout=10).json()
    until = datetime.now(UTC) + timedelta(seconds=1)
    done = subprocess.run(
        [
            sys.executable, "-m", "hashchat.cli", "archive",
            "--server", chat_a.url, "--tag", HASHTAG,
            "--from", event["starts_at"], "--to", until.isoformat(),
            "--host", "NGAC@chat-a.test", "--organiser", "pat",
        ],
        env=chat_b.env, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    path = done.stdout.strip()
    event_b = path.split("/events/")[1].strip("/").split("/")[0]

    def transcript(server, event_id) -> list[tuple[str, str]]:
        data = httpx.get(
            f"{server.url}/api/hashchat/v1/events/{event_id}/transcript", timeout=30
        ).json()
        return sorted(
            (p["group"], " ".join(p["text"].split()))
            for p in data["posts"]
            if f"#{HASHTAG}" in p["text"].lower()
        )

    on_a = transcript(chat_a, libchat.event_id)
    on_b = transcript(chat_b, event_b)
    # The post A's host hid came to B with @libchat's boost before the hiding: B's host did not
    # hide it, so B's transcript keeps it. Everything else is A's chat, in A's groups.
    hidden_on_a = ("q2", f"A2 Something to hide #{HASHTAG}")
    assert hidden_on_a in on_b and hidden_on_a not in on_a
    on_b.remove(hidden_on_a)
    assert on_b == on_a
    groups = {group for group, _ in on_b}
    assert {"q1", "q2"} <= groups
    assert "done:" in done.stderr and "2 questions" in done.stderr


WATCH = """
from accounts.models import User
from chats.models import Series
from gathering import watching
hana = User.objects.get(username="hana")
series = Series.objects.get(hashtag__iexact="{tag}")
# Takahē's tag timeline needs a login (read:statuses): alice's token.
watching.watch(user=hana, series=series, server="https://takahe.test", access_token="{token}")
watching.watch(user=hana, series=series, server="https://chat-b.test")
"""

QUINN_SIGNS_UP = """
from accounts import actions as accounts
accounts.sign_up(username="quinn", email="quinn@example.org", password="{password}",
                 display_name="Quinn")
"""

COUNT = """
from posts.models import Post
from gathering.models import WatchedServer
print("COUNT", Post.objects.filter(uri__in={uris!r}).count())
for w in WatchedServer.objects.order_by("base_url"):
    print("WATCHED", w.base_url, w.failures, w.mode, w.brought_in, w.streamed_in, w.stream_error,
          w.last_error)
"""


def test_gathering_from_takahe_and_b_brings_every_post_once(
    alice, pat_b, chat_a, chat_b, live_after_follows, takahe, followed_from_takahe
):
    libchat = live_after_follows
    chat_b.shell(QUINN_SIGNS_UP.format(password=PASSWORD))
    chat_a.shell(WATCH.format(tag=HASHTAG, token=takahe.token))
    # chat-b (hashchat) streams its public hashtag timeline; Takahē 0.11 has no streaming API.
    wait_for(
        lambda: "https://chat-b.test 0 streaming" in chat_a.shell(COUNT.format(uris=[])),
        timeout=WITHIN,
        interval=0.5,
        what="A's worker streaming chat-b's #libchat",
    )
    with clients.RoomWatcher(chat_a, HASHTAG, libchat.event_id) as room:
        # By federation (the chat account follows alice) and on Takahē's timeline.
        both = alice.status_post(f"A2 Both ways at once #{HASHTAG}")
        # Only on B's timeline and stream: nobody on A follows Quinn.
        quinn = clients.hashchat_client(chat_b, "quinn", PASSWORD)
        quinn_uri = quinn.status_post(f"A2 Only B's timeline knows me #{HASHTAG}")["uri"]
        room.chat_post(both["uri"], timeout=WITHIN)
        gathered = room.chat_post(quinn_uri, timeout=WITHIN)
        assert gathered.data["question"] == 2
    counted = chat_a.shell(COUNT.format(uris=[both["uri"], quinn_uri]))
    assert "COUNT 2" in counted, counted
    watched = {
        w[1]: w for w in (line.split(" ", 6) for line in counted.splitlines()) if w[0] == "WATCHED"
    }
    assert set(watched) == {"https://takahe.test", "https://chat-b.test"}
    for row in watched.values():
        assert row[2] == "0", counted  # no failures
    assert watched["https://chat-b.test"][3] == "streaming", counted
    # Quinn's post came by chat-b's stream (polling only catches up once a minute meanwhile).
    assert watched["https://chat-b.test"][5] == "1", counted
    assert watched["https://takahe.test"][3] == "polling", counted
    on_a = [
        p
        for p in httpx.get(
            f"{chat_a.url}/api/hashchat/v1/events/{libchat.event_id}/transcript", timeout=30
        ).json()["posts"]
        if "Both ways at once" in p["text"] or "Only B's timeline" in p["text"]
    ]
    assert len(on_a) == 2, on_a
