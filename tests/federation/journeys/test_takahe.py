"""hashchat and Takahē, an independent ActivityPub server, federating both ways.

alice on https://takahe.test and Hana (and #libchat's NGAC) on https://chat-a.test act through
their servers' Mastodon APIs. Takahē's background worker does its fetches and deliveries a few
seconds after each request, so its results are waited for with generous deadlines.
"""

import re
import time
from email.utils import parsedate_to_datetime

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)

from federation import signatures
from tests.federation.journeys import clients, forged
from tests.federation.journeys.conftest import HASHTAG
from tests.federation.journeys.lab import verify_with_takahe, wait_for

WITHIN = 60.0


@pytest.fixture(scope="module")
def alice_follows_hana(alice, hana_a, takahe) -> dict:
    hana = clients.resolve_account(alice, "@hana@chat-a.test")
    clients.follow(alice, hana, followee=hana_a, follower_acct=takahe.acct, timeout=WITHIN)
    return hana


@pytest.fixture(scope="module")
def hana_follows_alice(hana_a, alice, takahe) -> dict:
    found = clients.resolve_account(hana_a, f"@{takahe.acct}")
    clients.follow(hana_a, found, followee=alice, follower_acct="hana@chat-a.test", timeout=WITHIN)
    return found


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
    lab, alice, chat_a, libchat, takahe
):
    q1 = clients.resolve_status(alice, libchat.q1["url"])
    with clients.RoomWatcher(chat_a, HASHTAG, libchat.event_id) as room:
        posted_at = time.monotonic()
        reply = alice.status_reply(q1, f"A1 Comfortable chairs and no shushing #{HASHTAG}")
        event = room.chat_post(reply["uri"], timeout=WITHIN)
    lab.note("reply from Takahē to A's room, seconds", event.at - posted_at)
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
    assert item["original_url"] in (reply["url"], reply["uri"])  # a link to the original


def public_key(key_id: str) -> str:
    """The PEM behind `key_id`, from the actor document that names it."""
    actor = httpx.get(
        key_id.split("#")[0], headers={"Accept": clients.AP_ACCEPT}, timeout=10
    ).json()
    assert actor["publicKey"]["id"] == key_id, actor["publicKey"]
    return actor["publicKey"]["publicKeyPem"]


def key_id_of(request: dict) -> str:
    found = re.search(r'keyId="([^"]+)"', request["signature"])
    assert found, request["signature"]
    return found.group(1)


def rsa_key(pem: str) -> rsa.RSAPublicKey:
    key = load_pem_public_key(pem.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def verify_with_hashchat(request: dict, keys: dict[str, str]) -> str:
    """hashchat's own verifier on a request as nginx logged it: the keyId it verified with."""
    headers = {"host": request["host"], "signature": request["signature"]}
    for name in ("date", "digest", "accept"):
        if request[name]:
            headers[name] = request[name]
    if request["content_type"]:
        headers["content-type"] = request["content_type"]
    return signatures.check_request(
        method=request["method"],
        target=request["uri"],
        headers=headers,
        body=request["body"].encode(),
        get_key=lambda key_id, refresh: rsa_key(keys[key_id]),
        now=parsedate_to_datetime(request["date"]),  # checked when logged; judged as of then
        window=60,
    )


def test_signatures_verify_both_ways(lab, takahe, alice_follows_hana, hana_follows_alice):
    # hashchat -> Takahē: every request hashchat signed for Takahē (fetches and deliveries) passes
    # Takahē's own verifier. (Takahē 0.11's inbox skips verification, so its 202s prove nothing.)
    signed = [
        r
        for r in lab.signed_requests_to(takahe.domain)
        if r["agent"].startswith("hashchat/") and "+https://chat-a.test/" in r["agent"]
    ]
    assert [r for r in signed if r["method"] == "POST"], "hashchat delivered nothing to Takahē"
    keys = {key_id: public_key(key_id) for key_id in {key_id_of(r) for r in signed}}
    assert verify_with_takahe(signed, keys) == ["ok"] * len(signed)
    # The same verifier refuses one of them with its body changed, or under another key.
    delivery = next(r for r in signed if r["method"] == "POST")
    changed = {**delivery, "body": delivery["body"].replace("https://", "http://", 1)}
    assert verify_with_takahe([changed], keys)[0] != "ok"
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    pem = stranger.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    assert verify_with_takahe([delivery], {key_id_of(delivery): pem})[0] != "ok"

    # Takahē -> hashchat: every request Takahē signed for chat-a.test (its fetches of actors and
    # notes, signed GETs as for authorized fetch, and its deliveries) passes hashchat's verifier ...
    from_takahe_signed = [
        r for r in lab.signed_requests_to("chat-a.test") if "takahe" in r["agent"].lower()
    ]
    assert {r["method"] for r in from_takahe_signed} == {"GET", "POST"}
    takahe_keys = {k: public_key(k) for k in {key_id_of(r) for r in from_takahe_signed}}
    for request in from_takahe_signed:
        assert verify_with_hashchat(request, takahe_keys) == key_id_of(request)
    takahe_delivery = next(r for r in from_takahe_signed if r["method"] == "POST")
    with pytest.raises(signatures.SignatureError):
        verify_with_hashchat(
            {**takahe_delivery, "body": takahe_delivery["body"] + " "}, takahe_keys
        )
    # ... and every delivery Takahē made to chat-a.test was accepted ...
    from_takahe = [
        r
        for r in lab.requests_to("chat-a.test")
        if r.method == "POST" and "takahe" in r.agent.lower()
    ]
    assert from_takahe, "Takahē delivered nothing to chat-a.test"
    assert [r for r in from_takahe if not 200 <= r.status < 300] == []
    # ... by a server that refuses a signature made with the wrong key for an actor it knows,
    # and an unsigned one, at a user's inbox and at the shared inbox.
    hana = clients.actor_of("hana@chat-a.test")
    alice = clients.actor_of(takahe.acct)
    shared = hana.get("endpoints", {}).get("sharedInbox")
    assert shared, "hana's actor names no shared inbox"
    for inbox in (hana["inbox"], shared):
        assert forged.forged_follow(alice, inbox, hana["id"]).status_code == 401
        assert forged.unsigned_follow(alice, inbox, hana["id"]).status_code == 401
