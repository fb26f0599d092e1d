"""posts.actions.edit_post and delete_post"""

import pytest
import time_machine

from core.errors import InvalidInput, NotAllowed, NotFound
from posts import actions
from posts.models import Mention, Post, PostEdit


def test_an_edit_keeps_the_earlier_versions(pat):
    with time_machine.travel("2026-03-03 11:00:00+00:00", tick=False):
        post = actions.create_post(user=pat.user, profile=pat.profile, text="First #one")
    with time_machine.travel("2026-03-03 11:05:00+00:00", tick=False):
        actions.edit_post(user=pat.user, post=post, text="Second #two")
    with time_machine.travel("2026-03-03 11:09:00+00:00", tick=False):
        actions.edit_post(user=pat.user, post=post, text="Third @pat")
    post.refresh_from_db()
    assert post.text == "Third @pat" and post.edited_at.minute == 9
    history = list(PostEdit.objects.filter(post=post))
    assert [h.text for h in history] == ["First #one", "Second #two"]
    assert [h.created_at.minute for h in history] == [0, 5]
    # Tags and mentions follow the current text.
    assert list(post.hashtags.all()) == []
    assert Mention.objects.filter(post=post).count() == 1


def test_an_unchanged_edit_adds_no_history(pat):
    post = actions.create_post(user=pat.user, profile=pat.profile, text="Same")
    actions.edit_post(user=pat.user, post=post, text="Same")
    assert not PostEdit.objects.exists()


def test_olly_cannot_edit_or_delete_pats_post(pat, olly):
    post = actions.create_post(user=pat.user, profile=pat.profile, text="Mine")
    with pytest.raises(NotAllowed):
        actions.edit_post(user=olly.user, post=post, text="Yours now")
    with pytest.raises(NotAllowed):
        actions.delete_post(user=olly.user, post=post)
    post.refresh_from_db()
    assert post.text == "Mine" and post.deleted_at is None


def test_a_manager_edits_and_deletes_the_organisations_posts(pat, hklibconnect):
    owner = hklibconnect.memberships.get(role="owner").user
    post = actions.create_post(user=owner, profile=hklibconnect, text="By the owner")
    actions.edit_post(user=pat.user, post=post, text="Fixed by Pat")
    actions.delete_post(user=pat.user, post=post)
    post.refresh_from_db()
    assert post.is_deleted


def test_an_edit_is_checked_like_a_new_post(pat):
    post = actions.create_post(user=pat.user, profile=pat.profile, text="ok")
    with pytest.raises(InvalidInput):
        actions.edit_post(user=pat.user, post=post, text="x" * 501)
    with pytest.raises(InvalidInput):
        actions.edit_post(user=pat.user, post=post, text="  ")


def test_a_repost_cannot_be_edited(pat, hana):
    boost = actions.repost(
        user=pat.user,
        profile=pat.profile,
        post=actions.create_post(user=hana.user, profile=hana.profile, text="x"),
    )
    with pytest.raises(InvalidInput):
        actions.edit_post(user=pat.user, post=boost, text="y")


def test_a_delete_keeps_the_thread_whole(pat, hana):
    root = actions.create_post(user=hana.user, profile=hana.profile, text="Q1 #auslibchat")
    middle = actions.create_post(
        user=pat.user, profile=pat.profile, text="A1 @hana #auslibchat", in_reply_to=root
    )
    leaf = actions.create_post(
        user=hana.user, profile=hana.profile, text="Nice", in_reply_to=middle
    )
    actions.delete_post(user=pat.user, post=middle)
    middle.refresh_from_db()
    assert middle.is_deleted and middle.text == "" and middle.html == ""
    assert list(middle.hashtags.all()) == [] and not Mention.objects.filter(post=middle).exists()
    leaf.refresh_from_db()
    assert leaf.in_reply_to_id == middle.id and leaf.thread_root_id == root.id
    root.refresh_from_db()
    assert root.reply_count == 0


def test_deleting_a_post_removes_its_reposts(pat, hana):
    post = actions.create_post(user=hana.user, profile=hana.profile, text="x")
    actions.repost(user=pat.user, profile=pat.profile, post=post)
    actions.delete_post(user=hana.user, post=post)
    assert not Post.objects.filter(repost_of=post).exists()


def test_deleting_twice_or_editing_a_deleted_post_is_not_found(pat):
    post = actions.create_post(user=pat.user, profile=pat.profile, text="x")
    actions.delete_post(user=pat.user, post=post)
    with pytest.raises(NotFound):
        actions.delete_post(user=pat.user, post=post)
    with pytest.raises(NotFound):
        actions.edit_post(user=pat.user, post=post, text="back")


def test_edit_and_delete_events_follow_the_commit(
    pat, capture_events, django_capture_on_commit_callbacks
):
    post = actions.create_post(user=pat.user, profile=pat.profile, text="One #tag")
    with django_capture_on_commit_callbacks(execute=True):
        actions.edit_post(user=pat.user, post=post, text="Two #tag")
        actions.delete_post(user=pat.user, post=post)
    assert [e for _, e in capture_events] == [
        {"type": "post.updated", "post_id": str(post.id)},
        {"type": "post.deleted", "post_id": str(post.id)},
    ]
    assert "hashtag:tag" in capture_events[1][0]
