"""posts.actions: like, unlike, repost, unrepost, bookmark, unbookmark"""

import pytest

from accounts.actions import block
from core.errors import InvalidInput, NotAllowed, NotFound
from posts import actions
from posts.models import Bookmark, Like, Notification, Post


@pytest.fixture
def question(hana):
    return actions.create_post(user=hana.user, profile=hana.profile, text="Q1 #auslibchat")


def test_a_like_counts_once_and_notifies(pat, question):
    actions.like(user=pat.user, profile=pat.profile, post=question)
    actions.like(user=pat.user, profile=pat.profile, post=question)
    question.refresh_from_db()
    assert question.like_count == 1
    assert Notification.objects.filter(kind="like", actor=pat.profile).count() == 1


def test_unlike_undoes_it(pat, question):
    actions.like(user=pat.user, profile=pat.profile, post=question)
    actions.unlike(user=pat.user, profile=pat.profile, post=question)
    actions.unlike(user=pat.user, profile=pat.profile, post=question)
    question.refresh_from_db()
    assert question.like_count == 0 and not Like.objects.exists()


def test_liking_a_repost_likes_the_original(pat, olly, question):
    boost = actions.repost(user=olly.user, profile=olly.profile, post=question)
    actions.like(user=pat.user, profile=pat.profile, post=boost)
    assert Like.objects.get().post_id == question.id


def test_olly_cannot_like_as_hklibconnect(olly, hklibconnect, question):
    with pytest.raises(NotAllowed):
        actions.like(user=olly.user, profile=hklibconnect, post=question)


def test_a_deleted_post_cannot_be_liked_or_reposted(pat, hana, question):
    actions.delete_post(user=hana.user, post=question)
    with pytest.raises(NotFound):
        actions.like(user=pat.user, profile=pat.profile, post=question)
    with pytest.raises(NotFound):
        actions.repost(user=pat.user, profile=pat.profile, post=question)


def test_a_repost_is_a_post_of_its_own_made_once(pat, question):
    first = actions.repost(user=pat.user, profile=pat.profile, post=question)
    again = actions.repost(user=pat.user, profile=pat.profile, post=question)
    assert first.id == again.id and first.repost_of_id == question.id and first.text == ""
    question.refresh_from_db()
    assert question.repost_count == 1
    assert Notification.objects.filter(kind="repost", recipient=question.author).count() == 1


def test_unrepost_removes_the_repost(
    pat, question, capture_events, django_capture_on_commit_callbacks
):
    boost = actions.repost(user=pat.user, profile=pat.profile, post=question)
    with django_capture_on_commit_callbacks(execute=True):
        actions.unrepost(user=pat.user, profile=pat.profile, post=question)
    assert not Post.objects.filter(repost_of=question).exists()
    question.refresh_from_db()
    assert question.repost_count == 0
    assert {"type": "post.deleted", "post_id": str(boost.id)} in [e for _, e in capture_events]


def test_deleting_the_repost_row_undoes_it(pat, question):
    boost = actions.repost(user=pat.user, profile=pat.profile, post=question)
    actions.delete_post(user=pat.user, post=boost)
    question.refresh_from_db()
    assert question.repost_count == 0


def test_unlisted_posts_cannot_be_reposted(pat, hana):
    quiet = actions.create_post(
        user=hana.user, profile=hana.profile, text="q", visibility="unlisted"
    )
    with pytest.raises(InvalidInput):
        actions.repost(user=pat.user, profile=pat.profile, post=quiet)


def test_a_blocked_profile_cannot_like_or_repost(pat, hana, question):
    block(user=hana.user, profile=hana.profile, target=pat.profile)
    with pytest.raises(NotAllowed):
        actions.like(user=pat.user, profile=pat.profile, post=question)
    with pytest.raises(NotAllowed):
        actions.repost(user=pat.user, profile=pat.profile, post=question)


def test_counts_and_the_repost_are_published_after_commit(
    pat, question, capture_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.like(user=pat.user, profile=pat.profile, post=question)
        boost = actions.repost(user=pat.user, profile=pat.profile, post=question)
    events = [e for _, e in capture_events]
    counts = [e for e in events if e["type"] == "post.counts"]
    assert counts[-1] == {
        "type": "post.counts",
        "post_id": str(question.id),
        "like_count": 1,
        "repost_count": 1,
        "reply_count": 0,
    }
    assert {"type": "post.created", "post_id": str(boost.id)} in events


def test_bookmarks(pat, question):
    actions.bookmark(user=pat.user, profile=pat.profile, post=question)
    actions.bookmark(user=pat.user, profile=pat.profile, post=question)
    assert Bookmark.objects.count() == 1
    actions.unbookmark(user=pat.user, profile=pat.profile, post=question)
    assert not Bookmark.objects.exists()


def test_olly_cannot_bookmark_as_pat(pat, olly, question):
    with pytest.raises(NotAllowed):
        actions.bookmark(user=olly.user, profile=pat.profile, post=question)
