"""What local actions send: each activity built, queued once per inbox (shared inboxes
deduplicated) and delivered by the worker, signed so that the receiver can check it."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from accounts import actions as account_actions
from accounts.models import Profile
from federation import delivery, keys, signatures
from federation.models import Delivery
from posts import actions as post_actions
from tests.federation.conftest import THERE, signed_post
from tests.federation.test_inbox import activity, create

PAT = f"{THERE}/users/pat"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the after-commit signals of the actions inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def followed(chat_b, hana, commit):
    """pat and carol on chat-b follow Hana."""
    chat_b.actor("carol")
    with commit():
        signed_post("/inbox", activity("Follow", "https://chat-a.test/@hana"))
        carol = f"{THERE}/users/carol"
        signed_post(
            "/inbox",
            activity("Follow", "https://chat-a.test/@hana", 2, actor=carol),
            key_id=f"{carol}#main-key",
        )
    Delivery.objects.all().delete()  # the Accepts
    chat_b.received.clear()
    return chat_b


def sent(chat_b) -> list[dict]:
    # At most FEDERATION["DELIVERY_PER_DOMAIN"] go to one domain at a time.
    while delivery.run_due():
        pass
    return [s.json() for s in chat_b.received]


def check_signature(request, profile_path: str = "/@hana") -> None:
    """The receiver's check: the key from the sender's actor document."""
    actor = Client().get(profile_path, headers={"Accept": "application/activity+json"}).json()
    public = keys.load_public(actor["publicKey"]["publicKeyPem"])
    parts = urlsplit(request.url)
    headers = {k.lower(): v for k, v in request.headers.items()}
    key_id = signatures.check_request(
        method="POST",
        target=parts.path,
        headers=headers,
        body=request.body,
        get_key=lambda key_id, refresh: public,
        now=timezone.now(),
        window=300,
    )
    assert key_id == actor["publicKey"]["id"]


def test_a_post_goes_once_to_a_shared_inbox_signed(followed, hana, commit):
    with commit():
        post = post_actions.create_post(
            user=hana.user, profile=hana.profile, text="Q1 What makes a library welcoming? #libchat"
        )
    assert Delivery.objects.count() == 1  # pat and carol share chat-b's inbox
    [created] = sent(followed)
    assert followed.received[0].url == f"{THERE}/inbox"
    check_signature(followed.received[0])
    assert created["type"] == "Create"
    assert created["actor"] == "https://chat-a.test/@hana"
    note = created["object"]
    assert note["id"] == f"https://chat-a.test/@hana/{post.id}"
    assert note["to"] == [PUBLIC] and note["cc"] == ["https://chat-a.test/@hana/followers"]
    assert {
        "type": "Hashtag",
        "href": "https://chat-a.test/tags/libchat/",
        "name": "#libchat",
    } in note["tag"]
    assert note["published"] and "updated" not in note
    assert Delivery.objects.get().state == Delivery.State.DELIVERED


def test_edits_and_deletions_follow(followed, hana, commit):
    with commit():
        post = post_actions.create_post(user=hana.user, profile=hana.profile, text="first #libchat")
    with commit():
        post_actions.edit_post(user=hana.user, post=post, text="second #libchat")
    with commit():
        post_actions.delete_post(user=hana.user, post=post)
    kinds = [a["type"] for a in sent(followed)]
    assert sorted(kinds) == ["Create", "Delete", "Update"]
    update = next(a for a in (s.json() for s in followed.received) if a["type"] == "Update")
    assert update["object"]["content"].startswith("<p>second ")
    assert "updated" in update["object"]
    delete = next(a for a in (s.json() for s in followed.received) if a["type"] == "Delete")
    assert delete["object"]["id"] == f"https://chat-a.test/@hana/{post.id}"


def stored_remote_post(chat_b) -> tuple[Profile, object]:
    signed_post("/inbox", create(chat_b.note(1, "<p>Q1 from chat-b #libchat</p>")))
    remote = Profile.objects.get(uri=PAT)
    from posts.models import Post

    return remote, Post.objects.get(uri=f"{PAT}/statuses/1")


def test_likes_reposts_and_their_undoing_go_to_the_author(chat_b, hana, commit):
    _remote, post = stored_remote_post(chat_b)
    with commit():
        post_actions.like(user=hana.user, profile=hana.profile, post=post)
    with commit():
        post_actions.unlike(user=hana.user, profile=hana.profile, post=post)
    with commit():
        post_actions.repost(user=hana.user, profile=hana.profile, post=post)
    with commit():
        post_actions.unrepost(user=hana.user, profile=hana.profile, post=post)
    out = sent(chat_b)
    assert {
        (a["type"], a["object"]["type"] if isinstance(a["object"], dict) else "link") for a in out
    } == {
        ("Like", "link"),
        ("Undo", "Like"),
        ("Announce", "link"),
        ("Undo", "Announce"),
    }
    like = next(a for a in out if a["type"] == "Like")
    assert like["object"] == post.uri
    assert all(r.url == f"{THERE}/inbox" for r in chat_b.received)


def test_a_reply_to_a_remote_post_reaches_its_author(chat_b, hana, commit):
    _remote, post = stored_remote_post(chat_b)
    with commit():
        reply = post_actions.create_post(
            user=hana.user, profile=hana.profile, text="A1 thanks #libchat", in_reply_to=post
        )
    [created] = sent(chat_b)
    assert created["object"]["inReplyTo"] == post.uri
    assert PAT in created["object"]["cc"]
    assert created["object"]["id"].endswith(f"/{reply.id}")


def test_a_mention_of_a_remote_profile_is_delivered_to_it(chat_b, hana, commit):
    stored_remote_post(chat_b)
    with commit():
        post_actions.create_post(
            user=hana.user, profile=hana.profile, text="hello @pat@chat-b.test"
        )
    [created] = sent(chat_b)
    mention = [t for t in created["object"]["tag"] if t["type"] == "Mention"]
    assert mention == [{"type": "Mention", "href": PAT, "name": "@pat@chat-b.test"}]


def test_follow_unfollow_block_and_profile_updates(chat_b, hana, commit):
    remote, _post = stored_remote_post(chat_b)
    with commit():
        account_actions.follow(user=hana.user, profile=hana.profile, target=remote)
    with commit():
        account_actions.unfollow(user=hana.user, profile=hana.profile, target=remote)
    with commit():
        account_actions.follow(user=hana.user, profile=hana.profile, target=remote)
    with commit():
        account_actions.update_profile(user=hana.user, profile=hana.profile, display_name="Hana K")
    with commit():
        account_actions.block(user=hana.user, profile=hana.profile, target=remote)
    out = sent(chat_b)
    kinds = [
        a["type"] + ("/" + a["object"]["type"] if isinstance(a["object"], dict) else "")
        for a in out
    ]
    assert sorted(kinds) == sorted(["Follow", "Undo/Follow", "Follow", "Block", "Undo/Follow"])
    undo = next(a for a in out if a["type"] == "Undo")
    first_follow = next(a for a in out if a["type"] == "Follow")
    assert undo["object"]["id"] == first_follow["id"]


def test_a_profile_change_goes_to_the_followers(followed, hana, commit):
    with commit():
        account_actions.update_profile(user=hana.user, profile=hana.profile, display_name="Hana K")
    [update] = sent(followed)
    assert update["type"] == "Update" and update["object"]["type"] == "Person"
    assert update["object"]["name"] == "Hana K"


def test_remote_actions_do_not_echo_back(chat_b, hana, commit):
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="Q1 #libchat")
    with commit():
        signed_post("/inbox", create(chat_b.note(1, "<p>remote</p>")))
        signed_post("/inbox", activity("Like", f"https://chat-a.test/@hana/{post.id}", 2))
    assert Delivery.objects.count() == 0
