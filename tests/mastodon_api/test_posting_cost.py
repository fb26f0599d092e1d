"""What one post costs in SQL: posts.actions.create_post and POST /api/v1/statuses
read before the write transaction and write once inside it, with a fixed number of
queries however many hashtags and mentions the post has."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from chats import actions as chat_actions
from chats.models import ChatPost
from core import ratelimit
from posts import actions
from posts.models import Mention, Notification, Post

# The first Tuesday of February 2027 at 19:00 Hong Kong time.
CHAT = datetime(2027, 2, 2, 11, 0, tzinfo=UTC)
TEXT = "A1 good service #AusLibChat #libraries #service #access #people @hana @olly"
# Membership, host check, hashtags, mentioned profiles, blocks and mutes, the event
# with its question (one query, chats.linking); then inside the transaction the post,
# the author's post count, new hashtags (one insert, one re-read), hashtag links,
# mentions, two notifications and the chat link. The test database wraps each
# transaction in a savepoint (two statements each). Rate limits count outside SQL.
CREATE_POST_QUERIES = 17
# An answer with the chat's hashtag only: no new hashtags, mentions or notifications.
PLAIN_POST_QUERIES = 10
# Through the API, add the token (its login and profile, with the account counts).
API_EXTRA_QUERIES = 1


@pytest.fixture
def live_event(hana, ngac, db):
    with time_machine.travel(CHAT - timedelta(days=10), tick=False) as clock:
        series = chat_actions.create_series(
            user=hana.user,
            organiser=ngac,
            hashtag="auslibchat",
            title="Australian library chat",
            description="",
            timezone="Asia/Hong_Kong",
            rrule="FREQ=MONTHLY;BYDAY=1TU",
            start_time=time(19, 0),
            start_date=date(2027, 1, 1),
        )
        event = chat_actions.create_event(
            user=hana.user,
            series=series,
            occurrence_start=CHAT,
            topic="Customer Service",
            questions=[
                {"kind": "question", "text": "What does good service look like?", "offset": 5}
            ],
        )
        clock.move_to(CHAT + timedelta(minutes=7))
        yield event


def warm_up(person):
    """A first post: creates the rate-limit counters of this minute and the chat's hashtag."""
    with ratelimit.serving("192.0.2.1"):
        actions.create_post(user=person.user, profile=person.profile, text="Hi #auslibchat")


def test_create_post_costs_a_fixed_number_of_queries(
    live_event, pat, hana, olly, django_assert_max_num_queries
):
    warm_up(pat)
    with ratelimit.serving("192.0.2.1"), django_assert_max_num_queries(CREATE_POST_QUERIES):
        post = actions.create_post(user=pat.user, profile=pat.profile, text=TEXT)
    assert sorted(post.hashtags.values_list("name_lower", flat=True)) == [
        "access",
        "auslibchat",
        "libraries",
        "people",
        "service",
    ]
    assert Mention.objects.filter(post=post).count() == 2
    assert Notification.objects.filter(post=post, kind="mention").count() == 2
    link = ChatPost.objects.get(post=post)
    assert link.event == live_event and link.question is not None
    assert Post.objects.get(pk=post.pk).thread_root_id == post.id


def test_a_plain_answer_costs_at_most_10_queries(live_event, pat, django_assert_max_num_queries):
    warm_up(pat)
    with ratelimit.serving("192.0.2.1"), django_assert_max_num_queries(PLAIN_POST_QUERIES):
        post = actions.create_post(
            user=pat.user, profile=pat.profile, text="A1 Kindness #auslibchat"
        )
    assert ChatPost.objects.get(post=post).question.number == 1


def test_a_reply_costs_no_more(live_event, pat, hana, olly, django_assert_max_num_queries):
    first = actions.create_post(user=hana.user, profile=hana.profile, text="Q1 #auslibchat")
    warm_up(pat)
    with ratelimit.serving("192.0.2.1"), django_assert_max_num_queries(CREATE_POST_QUERIES):
        reply = actions.create_post(
            user=pat.user, profile=pat.profile, text="A1 yes #auslibchat", in_reply_to=first
        )
    assert Post.objects.get(pk=reply.pk).thread_root_id == first.id
    assert Post.objects.get(pk=first.pk).reply_count == 1
    assert Notification.objects.filter(post=reply, kind="reply", recipient=hana.profile).exists()


def test_posting_through_the_api_costs_a_fixed_number_of_queries(
    live_event, as_pat, pat, hana, olly, django_assert_max_num_queries
):
    assert as_pat.post("/api/v1/statuses", {"status": "Hi #auslibchat"}).status_code == 200
    with django_assert_max_num_queries(CREATE_POST_QUERIES + API_EXTRA_QUERIES):
        response = as_pat.post("/api/v1/statuses", {"status": TEXT})
    assert response.status_code == 200, response.content
    status = response.json()
    assert [t["name"] for t in status["tags"]] == [
        "auslibchat",
        "libraries",
        "service",
        "access",
        "people",
    ]
    assert [m["acct"] for m in status["mentions"]] == ["hana", "olly"]
    assert status["favourited"] is False and status["bookmarked"] is False
    assert status["account"]["statuses_count"] == 2
    # The answer is the same Status a later read gives.
    again = as_pat.get(f"/api/v1/statuses/{status['id']}").json()
    assert again == status


def test_a_plain_answer_through_the_api(live_event, as_pat, django_assert_max_num_queries):
    assert as_pat.post("/api/v1/statuses", {"status": "Hi #auslibchat"}).status_code == 200
    with django_assert_max_num_queries(PLAIN_POST_QUERIES + API_EXTRA_QUERIES):
        response = as_pat.post("/api/v1/statuses", {"status": "A1 Kindness #auslibchat"})
    assert response.status_code == 200, response.content
    assert [t["name"] for t in response.json()["tags"]] == ["auslibchat"]


def test_a_repeated_idempotency_key_answers_with_the_first_post(live_event, as_pat):
    key = {"Idempotency-Key": "once"}
    first = as_pat.post("/api/v1/statuses", {"status": "Hi #auslibchat @hana"}, headers=key)
    again = as_pat.post("/api/v1/statuses", {"status": "Hi #auslibchat @hana"}, headers=key)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert Post.objects.count() == 1
