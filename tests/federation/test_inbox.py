"""The inbox: signatures checked before anything is stored, every activity type
processed through the same actions as local ones, hostile JSON refused."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from accounts import actions as account_actions
from accounts.models import Block, Follow, Profile
from federation.models import Delivery, FollowRequest
from posts import actions as post_actions
from posts.models import Like, Post
from tests.federation.conftest import THERE, signed_post

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
PAT = f"{THERE}/users/pat"


def create(note: dict, number: int = 1) -> dict:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": note["attributedTo"],
        "object": note,
    }


def activity(kind: str, obj, number: int = 1, actor: str = PAT) -> dict:
    return {"id": f"{actor}#{kind.lower()}/{number}", "type": kind, "actor": actor, "object": obj}


def test_a_signed_create_stores_a_remote_post(chat_b, db):
    note = chat_b.note(
        1,
        '<p>Hello <a href="https://chat-b.test/tags/libchat">#libchat</a><script>x()</script></p>',
        tag=[{"type": "Hashtag", "name": "#libchat", "href": f"{THERE}/tags/libchat"}],
    )
    answer = signed_post("/inbox", create(note))
    assert answer.status_code == 202, answer.content
    post = Post.objects.get(uri=note["id"])
    assert post.local is False
    assert post.url == f"{THERE}/@pat/1"
    assert post.author.handle == "pat@chat-b.test"
    assert post.author.domain == "chat-b.test"
    assert post.author.bio == "Librarian in Sydney"
    assert "<script>" not in post.html and "x()" not in post.html
    assert post.text == "Hello #libchat"
    assert [t.name_lower for t in post.hashtags.all()] == ["libchat"]
    assert post.visibility == Post.Visibility.PUBLIC


def test_the_same_activity_twice_is_processed_once(chat_b, db):
    note = chat_b.note(1, "<p>once</p>")
    assert signed_post("/inbox", create(note)).status_code == 202
    assert signed_post("/inbox", create(note)).status_code == 202
    assert Post.objects.filter(uri=note["id"]).count() == 1


def test_a_profile_inbox_takes_activities_too(chat_b, hana):
    note = chat_b.note(1, "<p>to hana</p>")
    assert signed_post("/@hana/inbox", create(note)).status_code == 202
    assert signed_post("/@nobody/inbox", create(chat_b.note(2, "x"))).status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        {"body": b'{"id": "https://chat-b.test/users/pat/statuses/9/activity", "type": "Create"}'},
        {"tamper": {"date": "Sun, 05 Jan 2014 21:31:40 GMT"}},
        {"now": datetime.now(UTC) - timedelta(hours=1)},
        {"tamper": {"signature": None}},
    ],
    ids=["changed-body", "changed-date", "replayed-old-date", "unsigned"],
)
def test_tampered_requests_are_refused_with_401_and_store_nothing(chat_b, db, change):
    note = chat_b.note(1, "<p>hi</p>")
    tamper = change.get("tamper")
    if tamper and tamper.get("signature", "") is None:
        tamper = {"signature": ""}
    body = json.dumps(create(note)).encode()
    kwargs = {k: v for k, v in change.items() if k != "tamper"}
    if "body" in kwargs:
        # Signed over one body, sent with another.
        from federation import signatures
        from tests.federation.test_signatures import private_key

        headers = signatures.sign_request(
            method="POST",
            host="chat-a.test",
            target="/inbox",
            headers={},
            body=body,
            key_id=f"{PAT}#main-key",
            private_key=private_key(),
        )
        headers.pop("host")
        from django.test import Client

        answer = Client().post(
            "/inbox",
            data=kwargs["body"],
            content_type="application/activity+json",
            headers=headers,
            HTTP_HOST="chat-a.test",
        )
    else:
        answer = signed_post("/inbox", create(note), tamper=tamper, **kwargs)
    assert answer.status_code == 401
    assert "error" in answer.json()
    assert not Post.objects.filter(uri=note["id"]).exists()


def test_a_signature_by_the_wrong_key_is_refused(chat_b, db):
    other = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    from django.test import Client

    from federation import signatures

    note = chat_b.note(1, "<p>hi</p>")
    body = json.dumps(create(note)).encode()
    headers = signatures.sign_request(
        method="POST",
        host="chat-a.test",
        target="/inbox",
        headers={},
        body=body,
        key_id=f"{PAT}#main-key",
        private_key=other,
    )
    headers.pop("host")
    answer = Client().post(
        "/inbox",
        data=body,
        content_type="application/activity+json",
        headers=headers,
        HTTP_HOST="chat-a.test",
    )
    assert answer.status_code == 401
    assert not Post.objects.exists()


def test_a_changed_key_is_fetched_again_once(chat_b, db):
    # chat-b first had another key: the stored one no longer verifies.
    old = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    pem = old.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signed_post("/inbox", create(chat_b.note(1, "<p>first</p>")))
    Profile.objects.filter(uri=PAT).update(public_key_pem=pem.decode())
    fetches = len(chat_b.requests)
    assert signed_post("/inbox", create(chat_b.note(2, "<p>second</p>"))).status_code == 202
    assert len(chat_b.requests) == fetches + 1
    assert Post.objects.filter(uri__endswith="/statuses/2").exists()


def test_an_actor_claiming_another_domains_note_is_refused(chat_b, db, caplog):
    note = chat_b.note(1, "<p>forged</p>")
    note["id"] = "https://chat-c.test/users/carol/statuses/1"
    forged = create(note)
    forged["id"] = f"{PAT}#forged"
    answer = signed_post("/inbox", forged)
    assert answer.status_code == 400
    assert "another domain" in answer.json()["error"]
    assert not Post.objects.exists()
    assert "refused" in caplog.text


def test_an_activity_of_another_actor_is_refused(chat_b, db):
    chat_b.actor("carol")
    note = chat_b.note(1, "<p>as carol</p>", author="carol")
    answer = signed_post("/inbox", create(note))  # signed by pat
    assert answer.status_code == 400
    assert not Post.objects.exists()


def test_deeply_nested_and_huge_bodies_are_refused(chat_b, db):
    nested: dict = {"id": f"{PAT}#deep", "type": "Create", "actor": PAT}
    inner = nested
    for _ in range(50):
        inner["object"] = {"type": "Note"}
        inner = inner["object"]
    assert signed_post("/inbox", nested).status_code == 400
    huge = create(chat_b.note(1, "<p>" + "x" * 300_000 + "</p>"))
    assert signed_post("/inbox", huge).status_code == 413
    wrong = create(chat_b.note(2, "<p>x</p>"))
    wrong["type"] = {"not": "a string"}
    assert signed_post("/inbox", wrong).status_code == 400
    assert not Post.objects.exists()


def test_a_followers_only_note_is_not_stored(chat_b, db):
    note = chat_b.note(1, "<p>private</p>", to=[f"{PAT}/followers"], cc=[])
    assert signed_post("/inbox", create(note)).status_code == 202
    assert not Post.objects.exists()


def test_like_and_undo_count_on_the_local_post(chat_b, hana, django_capture_on_commit_callbacks):
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="Q1 #libchat")
    like = activity("Like", f"https://chat-a.test/@hana/{post.id}")
    assert signed_post("/inbox", like).status_code == 202
    post.refresh_from_db()
    assert post.like_count == 1
    assert Like.objects.filter(post=post, profile__handle="pat@chat-b.test").exists()
    undo = activity("Undo", like, 2)
    assert signed_post("/inbox", undo).status_code == 202
    post.refresh_from_db()
    assert post.like_count == 0


def test_announce_and_undo_count_as_reposts(chat_b, hana):
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="Q1 #libchat")
    announce = activity("Announce", f"https://chat-a.test/@hana/{post.id}")
    assert signed_post("/inbox", announce).status_code == 202
    post.refresh_from_db()
    assert post.repost_count == 1
    assert signed_post("/inbox", activity("Undo", announce, 2)).status_code == 202
    post.refresh_from_db()
    assert post.repost_count == 0


def test_update_and_delete_of_a_remote_note(chat_b, db):
    note = chat_b.note(1, "<p>first words #libchat</p>")
    signed_post("/inbox", create(note))
    changed = {**note, "content": "<p>better words #libchat</p>", "updated": "2026-11-29T10:05:00Z"}
    assert signed_post("/inbox", activity("Update", changed)).status_code == 202
    post = Post.objects.get(uri=note["id"])
    assert post.text == "better words #libchat" and post.edited_at is not None
    assert post.edits.count() == 1
    tombstone = {"id": note["id"], "type": "Tombstone"}
    assert signed_post("/inbox", activity("Delete", tombstone, 2)).status_code == 202
    post.refresh_from_db()
    assert post.is_deleted and post.text == ""


def test_nobody_updates_or_deletes_a_local_post(chat_b, hana):
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="mine")
    uri = f"https://chat-a.test/@hana/{post.id}"
    signed_post("/inbox", activity("Delete", uri))
    signed_post(
        "/inbox",
        activity(
            "Update",
            {"id": uri, "type": "Note", "attributedTo": PAT, "content": "hacked", "to": [PUBLIC]},
            2,
        ),
    )
    post.refresh_from_db()
    assert post.text == "mine" and not post.is_deleted


def test_a_follow_is_accepted_and_undone(chat_b, hana, django_capture_on_commit_callbacks):
    follow = activity("Follow", "https://chat-a.test/@hana")
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_post("/inbox", follow).status_code == 202
    assert Follow.objects.filter(followee=hana.profile, follower__uri=PAT).exists()
    hana.profile.refresh_from_db()
    assert hana.profile.follower_count == 1
    accept = Delivery.objects.get(inbox=f"{THERE}/inbox")
    body = json.loads(accept.body)
    assert body["type"] == "Accept" and body["object"]["id"] == follow["id"]
    assert body["actor"] == "https://chat-a.test/@hana"
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_post("/inbox", activity("Undo", follow, 2)).status_code == 202
    assert not Follow.objects.filter(followee=hana.profile).exists()


def test_a_profile_that_approves_followers_keeps_the_follow_pending(chat_b, hana):
    Profile.objects.filter(pk=hana.profile.pk).update(manually_approves_followers=True)
    assert signed_post("/inbox", activity("Follow", "https://chat-a.test/@hana")).status_code == 202
    assert not Follow.objects.filter(followee=hana.profile).exists()
    assert FollowRequest.objects.get(followee=hana.profile).state == FollowRequest.State.PENDING


def test_accept_and_reject_answer_a_local_follow(chat_b, pat, django_capture_on_commit_callbacks):
    remote = Profile.objects.get(uri=PAT) if Profile.objects.filter(uri=PAT).exists() else None
    signed_post("/inbox", create(chat_b.note(1, "<p>hi</p>")))
    remote = Profile.objects.get(uri=PAT)
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.follow(user=pat.user, profile=pat.profile, target=remote)
    request = FollowRequest.objects.get(follower=pat.profile, followee=remote)
    sent = json.loads(Delivery.objects.get(activity_id=request.activity_id).body)
    assert sent["type"] == "Follow" and sent["object"] == PAT
    accept = activity("Accept", sent)
    assert signed_post("/inbox", accept).status_code == 202
    request.refresh_from_db()
    assert request.state == FollowRequest.State.ACCEPTED
    reject = activity("Reject", sent, 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_post("/inbox", reject).status_code == 202
    assert not Follow.objects.filter(follower=pat.profile, followee=remote).exists()


def test_a_remote_block_stops_following(chat_b, hana):
    signed_post("/inbox", activity("Follow", "https://chat-a.test/@hana"))
    assert (
        signed_post("/inbox", activity("Block", "https://chat-a.test/@hana", 2)).status_code == 202
    )
    assert Block.objects.filter(profile__uri=PAT, target=hana.profile).exists()
    assert not Follow.objects.filter(followee=hana.profile).exists()


def test_a_remote_actor_cannot_act_as_a_local_profile(chat_b, hana, pat):
    from accounts.permissions import RemoteActor
    from core.errors import NotAllowed

    signed_post("/inbox", create(chat_b.note(1, "<p>hi</p>")))
    remote = Profile.objects.get(uri=PAT)
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="mine")
    with pytest.raises(NotAllowed):
        post_actions.like(user=RemoteActor(remote), profile=pat.profile, post=post)
    with pytest.raises(NotAllowed):
        post_actions.edit_post(user=RemoteActor(remote), post=post, text="hacked")
    with pytest.raises(ValueError):
        RemoteActor(pat.profile)


def test_a_logged_in_session_is_no_signature(chat_b, hana):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(hana.user)
    note = chat_b.note(1, "<p>hi</p>")
    body = json.dumps(create(note))
    for path in ["/inbox", "/@hana/inbox"]:
        answer = client.post(path, data=body, content_type="application/activity+json")
        assert answer.status_code == 401
    assert not Post.objects.exists()


def test_an_actor_updates_and_deletes_itself(chat_b, db):
    signed_post("/inbox", create(chat_b.note(1, "<p>hi</p>")))
    changed = {**chat_b.objects[PAT], "name": "Pat Renamed", "summary": "<p>New bio</p>"}
    assert signed_post("/inbox", activity("Update", changed)).status_code == 202
    remote = Profile.objects.get(uri=PAT)
    assert (remote.display_name, remote.bio) == ("Pat Renamed", "New bio")
    carol = {**changed, "id": f"{THERE}/users/carol"}
    assert signed_post("/inbox", activity("Update", carol, 2)).status_code == 400
    assert signed_post("/inbox", activity("Delete", PAT, 3)).status_code == 202
    remote.refresh_from_db()
    assert remote.is_suspended
    # Its key still verifies, but a suspended actor's activities are refused.
    assert signed_post("/inbox", create(chat_b.note(2, "<p>after</p>"))).status_code == 403


def test_a_follow_from_a_blocked_actor_is_rejected(chat_b, hana):
    signed_post("/inbox", create(chat_b.note(1, "<p>hi</p>")))
    remote = Profile.objects.get(uri=PAT)
    account_actions.block(user=hana.user, profile=hana.profile, target=remote)
    assert signed_post("/inbox", activity("Follow", "https://chat-a.test/@hana")).status_code == 202
    assert not Follow.objects.filter(followee=hana.profile).exists()
    assert not FollowRequest.objects.exists()
    assert json.loads(Delivery.objects.get().body)["type"] == "Reject"


def test_a_reply_to_a_deleted_post_is_kept_outside_the_thread(chat_b, hana):
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="gone soon")
    post_actions.delete_post(user=hana.user, post=post)
    note = chat_b.note(1, "<p>late reply</p>", inReplyTo=f"https://chat-a.test/@hana/{post.id}")
    assert signed_post("/inbox", create(note)).status_code == 202
    assert Post.objects.get(uri=note["id"]).in_reply_to is None
