"""chats.room.room_page (the room's page in one plain SQL query) gives exactly the posts
of the ORM's room_posts, in the same order, with the same question filter and
cursors: linked answers and replies without the hashtag, hashtag posts inside the
window but not outside it, reposts of either, less hidden and deleted posts, reposts
of hidden posts, suspended authors and the viewer's blocks and mutes."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts import actions as account_actions
from accounts.actions import create_user, suspend
from chats import scheduler
from chats.models import ChatPost, Event, Series
from chats.room import get_event, question_links, room_page
from core.hashtags import tag_key
from posts import actions, reactions
from posts.models import Post
from tests.chats.conftest import FEB_CHAT


def room_posts(event, viewer=None):
    """The room's rules in the ORM (what room_page was written from), newest first."""
    tag = event.series.hashtag_key
    linked = ChatPost.objects.filter(event=event).values("post_id")
    in_window = Q(created_at__gte=event.starts_at, created_at__lt=event.window_ends_at)
    originals = Q(pk__in=linked) | (Q(hashtags__name_lower=tag) & in_window)
    reposts = Q(repost_of__in=linked) | (Q(repost_of__hashtags__name_lower=tag) & in_window)
    shown = Post.objects.visible().filter(originals | reposts)
    if event.series.account_id is not None:
        # The chat account's boosts carry the chat to other servers; the room shows
        # each post once.
        shown = shown.exclude(repost_of__isnull=False, author_id=event.series.account_id)
    ids = shown.values("id").distinct()
    return (
        Post.objects.filter(pk__in=ids)
        .filter(Q(repost_of__isnull=True) | Q(repost_of__hidden_at__isnull=True))
        .not_hidden_for(viewer)
        .order_by("-id")
    )


def orm_page(event, viewer, *, before=None, after=None, limit=40, question=None):
    posts = room_posts(event, viewer)
    if question is not None:
        linked = ChatPost.objects.filter(event=event, question__number=question).values("post_id")
        posts = posts.filter(Q(pk__in=linked) | Q(repost_of__in=linked))
    if before is not None:
        posts = posts.filter(pk__lt=before)
    if after is not None:
        return list(reversed(posts.filter(pk__gt=after).order_by("id")[:limit]))
    return list(posts[:limit])


def test_the_room_page_equals_the_orm(clock, event, hana, pat, olly, ada, ngac):
    clock.move_to(FEB_CHAT - timedelta(hours=2))
    early = actions.create_post(user=pat.user, profile=pat.profile, text="Early #auslibchat")
    clock.move_to(FEB_CHAT + timedelta(minutes=6))
    scheduler.run_due(now=timezone.now(), worker="test")
    q1 = event.questions.get(number=1).post
    assert q1 is not None

    def post(person, text, **kw):
        return actions.create_post(user=person.user, profile=person.profile, text=text, **kw)

    answers = [post([pat, olly, ada][i % 3], f"A1 answer {i} #auslibchat") for i in range(6)]
    reply = post(olly, "A reply without the hashtag", in_reply_to=q1)
    plain = post(ada, "About #auslibchat, no question")
    other = post(ada, "Another chat #edchat")
    reactions.repost(user=ada.user, profile=ada.profile, post=answers[0])
    reactions.repost(user=pat.user, profile=pat.profile, post=plain)
    reactions.repost(user=olly.user, profile=olly.profile, post=early)
    hidden = answers[1]
    reactions.repost(user=olly.user, profile=olly.profile, post=hidden)
    Post.objects.filter(id=hidden.id).update(hidden_at=timezone.now())  # as a host's Hide does
    gone = post(pat, "A1 soon deleted #auslibchat")
    actions.delete_post(user=pat.user, post=gone)
    account_actions.mute(user=hana.user, profile=hana.profile, target=olly.profile)
    account_actions.block(user=pat.user, profile=pat.profile, target=ada.profile)

    everything = orm_page(event, None, limit=100)
    ids = [p.id for p in everything]
    assert reply.id in ids and plain.id in ids and early.id not in ids and other.id not in ids
    for viewer in (None, hana.profile, pat.profile):
        for question in (None, 1, 2):
            for limit in (1, 3, 40):
                for cursor in (None, ids[0], ids[3], ids[-1]):
                    for kind in ("before", "after"):
                        kw = {kind: cursor} if cursor is not None else {}
                        got = room_page(event, viewer, limit=limit, question=question, **kw)
                        want = orm_page(event, viewer, limit=limit, question=question, **kw)
                        assert [p.id for p in got] == [p.id for p in want], (viewer, question)
    admin = create_user(
        username="siteadmin", email="admin@example.org", password="Admin-Password-42", admin=True
    )
    suspend(admin=admin, profile=ada.profile)
    assert [p.id for p in room_page(event, None, limit=100)] == [
        p.id for p in orm_page(event, None, limit=100)
    ]


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def orm_event(hashtag, event_id):
    """get_event's rules in the ORM (what it was written from)."""
    return (
        Event.objects.select_related("series", "series__organiser")
        .filter(pk=event_id, series__hashtag_key=tag_key(hashtag), series__is_public=True)
        .exclude(state=Event.State.DRAFT)
        .first()
    )


def test_get_event_equals_the_orm(event):
    for hashtag in ("auslibchat", "AusLibChat"):
        found = get_event(hashtag, event.id)
        expected = orm_event(hashtag, event.id)
        assert fields(found) == fields(expected)
        assert fields(found.series) == fields(expected.series)
        assert fields(found.series.organiser) == fields(expected.series.organiser)

    def refused(hashtag, event_id):
        assert orm_event(hashtag, event_id) is None
        with pytest.raises(Http404):
            get_event(hashtag, event_id)

    refused("edchat", event.id)
    refused("auslibchat", event.id + 1)
    Series.objects.filter(pk=event.series_id).update(is_public=False)
    refused("auslibchat", event.id)
    Series.objects.filter(pk=event.series_id).update(is_public=True)
    Event.objects.filter(pk=event.id).update(state=Event.State.DRAFT)
    refused("auslibchat", event.id)


def test_question_links_equal_the_orm(clock, event, hana, pat, olly):
    scheduler.run_due(now=event.starts_at + timedelta(minutes=6))
    clock.move_to(event.starts_at + timedelta(minutes=7))
    made = [
        actions.create_post(user=pat.user, profile=pat.profile, text="A1 good service #auslibchat"),
        actions.create_post(user=olly.user, profile=olly.profile, text="Just here #auslibchat"),
        actions.create_post(user=hana.user, profile=hana.profile, text="Not in the chat"),
    ]
    questions = list(event.questions.exclude(post_id=None).values_list("post_id", flat=True))
    assert questions
    ids = [*(p.id for p in made), *questions, 12345]
    numbers, asking = question_links(event, ids)
    assert numbers == dict(
        ChatPost.objects.filter(event=event, post_id__in=ids).values_list(
            "post_id", "question__number"
        )
    )
    assert numbers[made[0].id] == 1
    assert asking == set(questions)
    assert question_links(event, []) == ({}, set())
