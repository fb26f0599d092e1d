"""hashchat and Takahē, an independent ActivityPub server, federating both ways.

alice on https://takahe.test and Hana (and #libchat's NGAC) on https://chat-a.test act through
their servers' Mastodon APIs. Takahē's background worker does its fetches and deliveries a few
seconds after each request, so its results are waited for with generous deadlines.
"""

import pytest

from tests.federation.journeys import clients, forged
from tests.federation.journeys.conftest import HASHTAG
from tests.federation.journeys.lab import wait_for

WITHIN = 60.0


@pytest.fixture(scope="module")
def alice_follows_hana(alice, hana_a) -> dict:
    hana = clients.resolve_account(alice, "@hana@chat-a.test")
    clients.follow(alice, hana, timeout=WITHIN)
    return hana


@pytest.fixture(scope="module")
def hana_follows_alice(hana_a, takahe) -> dict:
    alice = clients.resolve_account(hana_a, f"@{takahe.acct}")
    clients.follow(hana_a, alice, timeout=WITHIN)
    return alice


def test_a_takahe_user_follows_a_hashchat_profile_and_receives_its_posts(
    alice, hana_a, alice_follows_hana
):
    assert alice_follows_hana["acct"] == "hana@chat-a.test"
    post = hana_a.status_post(f"Tonight on #{HASHTAG}: what makes a library welcoming")
    seen = clients.in_home(alice, post["uri"], timeout=WITHIN)
    assert "what makes a library welcoming" in seen["content"]
    assert seen["account"]["acct"] == "hana@chat-a.test"
    assert HASHTAG in [tag["name"].lower() for tag in seen["tags"]]


def test_a_hashchat_user_follows_the_takahe_user_and_receives_theirs(
    alice, hana_a, takahe, hana_follows_alice
):
    assert hana_follows_alice["acct"] == takahe.acct
    post = alice.status_post("Hello from Takahē, reading along tonight")
    seen = clients.in_home(hana_a, post["uri"], timeout=WITHIN)
    assert "reading along tonight" in seen["content"]
    assert seen["account"]["acct"] == takahe.acct


def test_the_takahe_user_reply_lands_in_the_room_and_the_transcript_under_its_question(
    alice, chat_a, libchat, takahe
):
    q1 = clients.resolve_status(alice, libchat.q1["url"])
    with clients.RoomWatcher(chat_a, HASHTAG, libchat.event_id) as room:
        reply = alice.status_reply(q1, f"A1 Comfortable chairs and no shushing #{HASHTAG}")
        event = room.chat_post(reply["uri"], timeout=WITHIN)
    assert event.data["question"] == 1
    on_a = event.data["status"]
    assert on_a["account"]["acct"] == takahe.acct
    assert on_a["in_reply_to_id"] == libchat.q1["id"]
    item = wait_for(
        lambda: clients.transcript_post(chat_a, libchat.event_id, on_a["id"]),
        timeout=WITHIN,
        what="the Takahē reply in A's transcript",
    )
    assert item["group"] == "q1" and item["in_reply_to"] == libchat.q1["id"]
    assert takahe.domain in item["author"]["handle"]
    assert "Comfortable chairs" in item["text"]


def test_signatures_verify_both_ways(lab, takahe, alice_follows_hana, hana_follows_alice):
    # The deliveries so far (follows, accepts, posts, the reply) were all accepted ...
    to_takahe = [r for r in lab.requests_to("takahe.test") if r.method == "POST"]
    from_takahe = [
        r
        for r in lab.requests_to("chat-a.test")
        if r.method == "POST" and "takahe" in r.agent.lower()
    ]
    assert to_takahe and from_takahe
    assert [r for r in to_takahe if not 200 <= r.status < 300] == []
    assert [r for r in from_takahe if not 200 <= r.status < 300] == []

    # ... by servers that refuse a signature made with the wrong key for an actor they know
    # (so the accepted ones verified), and hashchat refuses an unsigned one too.
    hana = clients.actor_of("hana@chat-a.test")
    alice = clients.actor_of(takahe.acct)
    assert forged.forged_follow(hana, alice["inbox"], alice["id"]).status_code == 401
    assert forged.forged_follow(alice, hana["inbox"], hana["id"]).status_code == 401
    assert forged.unsigned_follow(alice, hana["inbox"], hana["id"]).status_code == 401
    shared = hana.get("endpoints", {}).get("sharedInbox")
    assert shared, "hana's actor names no shared inbox"
    assert forged.forged_follow(alice, shared, hana["id"]).status_code == 401
