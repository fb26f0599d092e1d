"""posts.actions.create_post"""

import pytest

from core.errors import InvalidInput, NotAllowed
from posts import actions
from posts.models import Hashtag, Mention, Post


def test_a_post_stores_its_hashtags_and_mentions(pat, hana):
    post = actions.create_post(
        user=pat.user, profile=pat.profile, text="A1 yes! #AusLibChat @hana @nobody"
    )
    assert post.author == pat.profile and post.created_by == pat.user
    assert [t.name for t in post.hashtags.all()] == ["AusLibChat"]
    assert [m.profile for m in Mention.objects.filter(post=post)] == [hana.profile]
    assert 'href="/@hana"' in post.html and 'href="/@nobody"' not in post.html
    assert post.thread_root_id == post.id


def test_hashtags_are_shared_case_insensitively(pat, hana):
    actions.create_post(user=pat.user, profile=pat.profile, text="#AusLibChat")
    actions.create_post(user=hana.user, profile=hana.profile, text="#auslibchat")
    assert Hashtag.objects.get().name == "AusLibChat"


def test_pat_posts_as_hklibconnect(pat, hklibconnect):
    post = actions.create_post(user=pat.user, profile=hklibconnect, text="From the library")
    assert post.author == hklibconnect and post.created_by == pat.user


def test_olly_cannot_post_as_hklibconnect(olly, hklibconnect):
    with pytest.raises(NotAllowed):
        actions.create_post(user=olly.user, profile=hklibconnect, text="Hijack")
    assert not Post.objects.exists()


@pytest.mark.parametrize("text", ["", "   \n ", "x" * 501])
def test_empty_or_over_long_posts_are_refused(pat, text):
    with pytest.raises(InvalidInput) as e:
        actions.create_post(user=pat.user, profile=pat.profile, text=text)
    assert e.value.field == "text"
    assert not Post.objects.exists()


def test_exactly_500_characters_is_allowed(pat):
    post = actions.create_post(user=pat.user, profile=pat.profile, text="é" * 500)
    assert len(post.text) == 500


def test_the_same_idempotency_key_returns_the_same_post(pat):
    first = actions.create_post(
        user=pat.user, profile=pat.profile, text="Once", idempotency_key="k1"
    )
    again = actions.create_post(
        user=pat.user, profile=pat.profile, text="Once", idempotency_key="k1"
    )
    assert again.id == first.id
    assert Post.objects.count() == 1
    other = actions.create_post(
        user=pat.user, profile=pat.profile, text="Twice", idempotency_key="k2"
    )
    assert other.id != first.id


def test_idempotency_keys_belong_to_one_profile(pat, hana, hklibconnect):
    mine = actions.create_post(
        user=pat.user, profile=pat.profile, text="Mine", idempotency_key="same"
    )
    theirs = actions.create_post(
        user=hana.user, profile=hana.profile, text="Theirs", idempotency_key="same"
    )
    as_the_library = actions.create_post(
        user=pat.user, profile=hklibconnect, text="The library's", idempotency_key="same"
    )
    assert len({mine.id, theirs.id, as_the_library.id}) == 3
    # Another login acting as the same profile with the same key: the same post.
    jo = hklibconnect.memberships.exclude(user=pat.user).get().user
    again = actions.create_post(
        user=jo, profile=hklibconnect, text="The library's", idempotency_key="same"
    )
    assert again.id == as_the_library.id


def test_an_idempotency_key_expires_after_an_hour(pat):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    first = actions.create_post(user=pat.user, profile=pat.profile, text="1", idempotency_key="k")
    with time_machine.travel(timezone.now() + timedelta(minutes=59)):
        again = actions.create_post(
            user=pat.user, profile=pat.profile, text="1", idempotency_key="k"
        )
    assert again.id == first.id
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        later = actions.create_post(
            user=pat.user, profile=pat.profile, text="1", idempotency_key="k"
        )
    assert later.id != first.id
    first.refresh_from_db()
    assert first.idempotency_key is None and later.idempotency_key == "k"


def test_a_reply_joins_the_thread_and_counts(pat, hana):
    root = actions.create_post(user=hana.user, profile=hana.profile, text="Q1 #auslibchat")
    reply = actions.create_post(user=pat.user, profile=pat.profile, text="A1", in_reply_to=root)
    deeper = actions.create_post(
        user=hana.user, profile=hana.profile, text="Thanks", in_reply_to=reply
    )
    assert reply.thread_root_id == root.id and deeper.thread_root_id == root.id
    root.refresh_from_db()
    assert root.reply_count == 1


def test_replying_to_a_repost_replies_to_the_original(pat, hana, olly):
    root = actions.create_post(user=hana.user, profile=hana.profile, text="Original")
    boost = actions.repost(user=olly.user, profile=olly.profile, post=root)
    reply = actions.create_post(user=pat.user, profile=pat.profile, text="Re", in_reply_to=boost)
    assert reply.in_reply_to_id == root.id


def test_a_reply_to_a_deleted_post_is_refused(pat, hana):
    root = actions.create_post(user=hana.user, profile=hana.profile, text="Soon gone")
    actions.delete_post(user=hana.user, post=root)
    with pytest.raises(InvalidInput) as e:
        actions.create_post(user=pat.user, profile=pat.profile, text="Too late", in_reply_to=root)
    assert e.value.message == "You cannot reply to a deleted post."
    assert Post.objects.count() == 1


def test_a_blocked_profile_cannot_reply(pat, hana):
    from accounts.actions import block

    root = actions.create_post(user=hana.user, profile=hana.profile, text="Hi")
    block(user=hana.user, profile=hana.profile, target=pat.profile)
    with pytest.raises(NotAllowed):
        actions.create_post(user=pat.user, profile=pat.profile, text="Re", in_reply_to=root)


def test_unknown_visibility_is_refused(pat):
    with pytest.raises(InvalidInput):
        actions.create_post(user=pat.user, profile=pat.profile, text="x", visibility="secret")


def test_live_events_are_published_after_commit(
    pat, hana, capture_events, django_capture_on_commit_callbacks
):
    root = actions.create_post(user=hana.user, profile=hana.profile, text="Q1")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post = actions.create_post(
            user=pat.user, profile=pat.profile, text="A1 #AusLibChat", in_reply_to=root
        )
        assert capture_events == []  # nothing before the commit
    assert callbacks
    kinds = [event["type"] for _, event in capture_events]
    assert kinds.count("post.created") == 1
    streams, created = next((s, e) for s, e in capture_events if e["type"] == "post.created")
    assert created == {"type": "post.created", "post_id": str(post.id)}
    assert set(streams) == {f"profile:{pat.profile.id}", "public", "hashtag:auslibchat"}
    counts = next(e for _, e in capture_events if e["type"] == "post.counts")
    assert counts["post_id"] == str(root.id) and counts["reply_count"] == 1
    note = next((s, e) for s, e in capture_events if e["type"] == "notification.created")
    assert note[0] == [f"user:{hana.profile.id}"] and note[1]["kind"] == "reply"


def test_unlisted_posts_stay_off_public_streams(
    pat, capture_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.create_post(
            user=pat.user, profile=pat.profile, text="Quiet #tag", visibility="unlisted"
        )
    assert capture_events[0][0] == [f"profile:{pat.profile.id}"]


def test_the_scheduler_posts_as_a_profile_without_a_login(ngac):
    post = actions.create_post(user=None, profile=ngac, text="Q1 #auslibchat", system=True)
    assert post.author == ngac and post.created_by is None
