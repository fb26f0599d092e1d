from datetime import timedelta

import pytest

from chats import actions, queries, scheduler
from core.errors import NotAllowed, NotFound
from posts.actions import create_post
from posts.models import Post
from tests.chats.conftest import FEB_CHAT


@pytest.fixture
def live(clock, event):
    clock.move_to(FEB_CHAT + timedelta(minutes=6))
    scheduler.run_due()
    return event


def test_a_host_hides_a_post_from_the_event(
    live, hana, ngac, pat, capture_events, django_capture_on_commit_callbacks
):
    spam = create_post(user=pat.user, profile=pat.profile, text="Buy now #auslibchat")
    with django_capture_on_commit_callbacks(execute=True):
        actions.hide_post(user=hana.user, profile=ngac, event=live, post=spam)
    spam.refresh_from_db()
    assert spam.hidden_at is not None and spam.hidden_by == ngac
    assert (
        [f"event:{live.id}"],
        {"type": "chat.post_hidden", "post_id": str(spam.id)},
    ) in capture_events
    deleted = [s for s, e in capture_events if e["type"] == "post.deleted"]
    assert "hashtag:auslibchat" in deleted[0]
    assert spam not in queries.event_posts(live)


def test_a_cohost_can_hide_and_an_outsider_cannot(live, hana, series, pat, olly):
    post = create_post(user=olly.user, profile=olly.profile, text="Hello #auslibchat")
    with pytest.raises(NotAllowed):
        actions.hide_post(user=olly.user, profile=olly.profile, event=live, post=post)
    with pytest.raises(NotAllowed):
        actions.hide_post(user=pat.user, profile=pat.profile, event=live, post=post)
    actions.update_series(user=hana.user, series=series, cohosts=["pat"])
    actions.hide_post(user=pat.user, profile=pat.profile, event=live, post=post)
    assert Post.objects.get(pk=post.pk).hidden_at is not None


def test_only_posts_of_the_event_can_be_hidden(live, hana, ngac, pat):
    other = create_post(user=pat.user, profile=pat.profile, text="Elsewhere")
    with pytest.raises(NotFound):
        actions.hide_post(user=hana.user, profile=ngac, event=live, post=other)


def test_hosts_are_known_while_their_event_is_live(clock, event, series, hana, ngac, pat, olly):
    actions.update_series(user=hana.user, series=series, cohosts=["pat"])
    assert not queries.is_host_in_live_event(ngac, FEB_CHAT - timedelta(minutes=1))
    assert queries.is_host_in_live_event(ngac, FEB_CHAT)
    assert queries.is_host_in_live_event(pat.profile, FEB_CHAT + timedelta(minutes=59))
    assert not queries.is_host_in_live_event(olly.profile, FEB_CHAT)
    assert not queries.is_host_in_live_event(ngac, FEB_CHAT + timedelta(minutes=60))
    assert not queries.is_host_in_live_event(None, FEB_CHAT)


def test_the_hide_button_on_the_event_page(client, live, hana, ngac, pat):
    spam = create_post(user=pat.user, profile=pat.profile, text="Spam #auslibchat")
    client.force_login(hana.user)
    page = client.get(f"/chats/auslibchat/events/{live.id}/").content.decode()
    assert "Hide from the chat" in page
    response = client.post(
        f"/chats/auslibchat/events/{live.id}/posts/{spam.id}/hide/", {"as": str(ngac.id)}
    )
    assert response.status_code == 302
    assert Post.objects.get(pk=spam.pk).hidden_at is not None


def test_a_hidden_post_leaves_its_authors_counts(live, hana, ngac, pat):
    from posts import stats

    kept = create_post(user=pat.user, profile=pat.profile, text="A1 kept #auslibchat")
    spam = create_post(user=pat.user, profile=pat.profile, text="Buy now #auslibchat")
    pat.profile.refresh_from_db()
    assert (pat.profile.post_count, pat.profile.last_post_at) == (2, spam.created_at)
    actions.hide_post(user=hana.user, profile=ngac, event=live, post=spam)
    actions.hide_post(user=hana.user, profile=ngac, event=live, post=spam)  # twice: once counted
    pat.profile.refresh_from_db()
    assert (pat.profile.post_count, pat.profile.last_post_at) == (1, kept.created_at)
    assert stats.recount() == 0
