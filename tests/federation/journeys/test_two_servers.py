"""Two hashchat servers federating: Pat on chat-b.test takes part in #libchat on chat-a.test.

Each test acts through the servers' public interfaces only (the Mastodon API with Mastodon.py,
the chat room's event stream, the transcript API) and waits with deadlines for what the servers
do in the background. The tests run in file order; the domain block comes last.
"""

import time

import pytest

from tests.federation.journeys import clients
from tests.federation.journeys.conftest import HASHTAG
from tests.federation.journeys.lab import wait_for

# The bound for an answer from another server to show in the room.
ROOM_WITHIN = 2.0
# Deliveries run on the worker, right after the request; generous bounds for a loaded machine.
DELIVERED_WITHIN = 30.0


@pytest.fixture(scope="module")
def pat_follows_hana(pat_b, hana_a) -> dict:
    """Pat on B follows Hana on A (found through WebFinger), and A has accepted."""
    hana = clients.resolve_account(pat_b, "@hana@chat-a.test")
    clients.follow(
        pat_b, hana, followee=hana_a, follower_acct="pat@chat-b.test", timeout=DELIVERED_WITHIN
    )
    return hana


@pytest.fixture(scope="module")
def q1_on_b(pat_b, libchat) -> dict:
    """A's Q1 as B knows it, looked up by its URL."""
    return clients.resolve_status(pat_b, libchat.q1["url"])


def answer_from_b(pat_b, chat_a, libchat, q1_on_b, text: str):
    """Pat replies to Q1 from B; returns (the status on B, its chat.post event in A's room,
    seconds from posting to the room)."""
    with clients.RoomWatcher(chat_a, HASHTAG, libchat.event_id) as room:
        posted_at = time.monotonic()
        status = pat_b.status_reply(q1_on_b, text)
        event = room.chat_post(status["uri"], timeout=DELIVERED_WITHIN)
    return status, event, event.at - posted_at


def test_pat_on_b_follows_hana_on_a_and_sees_her_posts(pat_b, hana_a, pat_follows_hana):
    assert pat_follows_hana["acct"] == "hana@chat-a.test"
    assert pat_follows_hana["url"].startswith("https://chat-a.test/")
    post = hana_a.status_post(f"Good morning from chat-a, see you at #{HASHTAG} tonight")
    seen = clients.in_home(pat_b, post["uri"], timeout=DELIVERED_WITHIN)
    assert "Good morning from chat-a" in seen["content"]
    assert seen["account"]["acct"] == "hana@chat-a.test"
    assert seen["url"] == post["url"]  # a link to the original, on A


def test_answer_from_b_shows_in_a_room_within_two_seconds_and_under_q1(
    lab, pat_b, chat_a, libchat, q1_on_b
):
    assert q1_on_b["uri"] == libchat.q1["uri"]
    status, event, seconds = answer_from_b(
        pat_b, chat_a, libchat, q1_on_b, f"A1 A warm hello at the desk #{HASHTAG}"
    )
    assert event.data["question"] == 1
    on_a = event.data["status"]
    assert on_a["account"]["acct"] == "pat@chat-b.test"
    assert on_a["in_reply_to_id"] == libchat.q1["id"]
    lab.note("answer from B to A's room, seconds", seconds)
    assert seconds < ROOM_WITHIN, f"the answer took {seconds:.2f}s to reach A's room"

    item = wait_for(
        lambda: clients.transcript_post(chat_a, libchat.event_id, on_a["id"]),
        timeout=DELIVERED_WITHIN,
        what="the answer in A's transcript",
    )
    assert item["group"] == "q1" and item["question"] == 1
    assert item["in_reply_to"] == libchat.q1["id"]
    assert item["author"]["handle"].lower() in ("pat@chat-b.test", "@pat@chat-b.test")
    assert "A warm hello at the desk" in item["text"]
    assert item["original_url"] == status["url"]  # a link to the original, on B


def test_like_and_repost_from_b_are_counted_on_a(pat_b, chat_a, libchat, q1_on_b):
    # Counted from what Q1 had before (#libchat's own account boosts its questions).
    before = clients.public_status(chat_a, libchat.q1["id"]).json()
    likes, reblogs = before["favourites_count"], before["reblogs_count"]
    pat_b.status_favourite(q1_on_b["id"])
    pat_b.status_reblog(q1_on_b["id"])

    def counted():
        q1 = clients.public_status(chat_a, libchat.q1["id"]).json()
        done = q1["favourites_count"] == likes + 1 and q1["reblogs_count"] == reblogs + 1
        return q1 if done else None

    wait_for(counted, timeout=DELIVERED_WITHIN, what="B's like and repost counted on A")
    # Undoing both is counted too.
    pat_b.status_unfavourite(q1_on_b["id"])
    pat_b.status_unreblog(q1_on_b["id"])

    def uncounted():
        q1 = clients.public_status(chat_a, libchat.q1["id"]).json()
        return q1["favourites_count"] == likes and q1["reblogs_count"] == reblogs

    wait_for(uncounted, timeout=DELIVERED_WITHIN, what="B's undone like and repost on A")


def test_an_edit_and_a_deletion_on_b_reach_a(pat_b, chat_a, libchat, q1_on_b):
    status, event, _ = answer_from_b(
        pat_b, chat_a, libchat, q1_on_b, f"A1 Quiet corners, first draft #{HASHTAG}"
    )
    on_a = event.data["status"]
    pat_b.status_update(
        status["id"], f"@NGAC@chat-a.test A1 Quiet corners and soft light #{HASHTAG}"
    )

    def edited():
        seen = clients.public_status(chat_a, on_a["id"]).json()
        return seen if "soft light" in seen["content"] else None

    seen = wait_for(edited, timeout=DELIVERED_WITHIN, what="B's edit on A")
    assert seen["edited_at"]
    pat_b.status_delete(status["id"])
    wait_for(
        lambda: clients.public_status(chat_a, on_a["id"]).status_code == 404,
        timeout=DELIVERED_WITHIN,
        what="B's deletion on A",
    )
    assert clients.transcript_post(chat_a, libchat.event_id, on_a["id"]) is None


def test_a_domain_block_on_a_refuses_b_next_post(
    lab, pat_b, hana_a, hana_admin_a, chat_a, libchat, q1_on_b
):
    # Before the block, B's posts arrive (the same way the post after it would).
    before, event, _ = answer_from_b(
        pat_b, chat_a, libchat, q1_on_b, f"A1 Before the block #{HASHTAG}"
    )
    before_on_a = event.data["status"]
    hana_admin_a.admin_create_domain_block("chat-b.test", severity="suspend")

    # The block removes what A stored from B ...
    wait_for(
        lambda: clients.public_status(chat_a, before_on_a["id"]).status_code == 404,
        timeout=DELIVERED_WITHIN,
        what="B's stored post removed from A",
    )
    # ... and A refuses B's delivery of the next answer (as nginx saw it), which never shows
    # in the room, and A does not fetch it either when asked for it by its URL.
    with clients.RoomWatcher(chat_a, HASHTAG, libchat.event_id) as room:
        after = pat_b.status_reply(q1_on_b, f"A1 After the block #{HASHTAG}")

        def refused():
            # B's deliveries of this answer, told apart by their body: nginx logs a request
            # when it ends, so the delivery of the answer before the block may log after it.
            return [
                r
                for r in lab.signed_requests_to("chat-a.test")
                if r["method"] == "POST"
                and after["uri"] in r["body"]
                and "+https://chat-b.test/" in r["agent"]
            ]

        deliveries = wait_for(refused, timeout=DELIVERED_WITHIN, what="B delivering to A")
        assert {int(r["status"]) for r in deliveries} <= {401, 403}, deliveries
        assert not [e for e in room.events if after["uri"] in str(e.data)]
    found = hana_a.search_v2(after["url"], resolve=True, result_type="statuses")["statuses"]
    assert found == []
    assert clients.transcript_post(chat_a, libchat.event_id, before_on_a["id"]) is None
