"""A small world for the security tests: #auslibchat hosted by NGAC (Hana), an event
live now with a question asked, posts by Pat and Olly, and every page's URL."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import get_resolver

from chats import actions as chat_actions
from chats.scheduler import run_due
from mastodon_api.actions import file_report
from posts import actions as post_actions
from posts.models import Notification
from tests.security.routes import walk_routes

NOW = datetime(2027, 2, 2, 11, 20, tzinfo=UTC)
# Paths that are not pages: token-authenticated APIs, static and generated files.
NOT_PAGES = ("admin/", "api/", "oauth/", ".well-known/", "nodeinfo/", "^media/", "^api/")
# ActivityPub's machine endpoints: servers POST to the inboxes with HTTP Signatures,
# never with a session, so CSRF does not apply (tests/federation/test_inbox.py checks
# that an unsigned POST, with or without a logged-in session, is refused with 401).
NOT_PAGE_NAMES = {
    "shared-inbox",
    "profile-inbox",
    "instance-actor",
    "webfinger",
    "outbox",
    "followers",
    "following",
    "featured",
}


@dataclass
class World:
    series: object
    event: object
    pat_post: object
    olly_post: object
    org_post: object
    next_event: object = None
    params: dict = field(default_factory=dict)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_world(hana, ngac, pat, olly, hklibconnect, *, texts: dict | None = None) -> World:
    texts = texts or {}
    start = datetime(2027, 2, 2, 11, 0, tzinfo=UTC)
    with time_machine.travel(start - timedelta(days=3), tick=False):
        series = chat_actions.create_series(
            user=hana.user,
            organiser=ngac,
            hashtag="auslibchat",
            title=texts.get("title", "Australian library chat"),
            description=texts.get("description", "Monthly."),
            timezone="Asia/Hong_Kong",
            rrule="FREQ=MONTHLY;BYDAY=1TU",
            start_time="19:00",
        )
        event = chat_actions.create_event(
            user=hana.user,
            series=series,
            occurrence_start=start,
            topic=texts.get("topic", "Customer Service"),
            questions=[
                {"kind": "welcome", "text": "Welcome!", "offset": 0},
                {
                    "kind": "question",
                    "text": texts.get("question", "What is service?"),
                    "offset": 5,
                },
                {"kind": "closing", "text": "Thanks!", "offset": 55},
            ],
        )
        next_event = chat_actions.create_event(
            user=hana.user,
            series=series,
            occurrence_start=datetime(2027, 3, 2, 11, 0, tzinfo=UTC),
            topic="Reference desks",
            questions=[
                {"kind": "question", "text": "First?", "offset": 5},
                {"kind": "question", "text": "Second?", "offset": 15},
            ],
        )
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        run_due()
        pat_post = post_actions.create_post(
            user=pat.user,
            profile=pat.profile,
            text=texts.get("pat", "A1 listening #auslibchat @olly"),
        )
        olly_post = post_actions.create_post(
            user=olly.user,
            profile=olly.profile,
            text=texts.get("olly", "A1 queues #auslibchat"),
            in_reply_to=pat_post,
        )
        org_post = post_actions.create_post(
            user=pat.user, profile=hklibconnect, text="A1 from the library #auslibchat"
        )
    report = file_report(
        user=pat.user,
        profile=pat.profile,
        target=olly.profile,
        post_ids=[olly_post.id],
        comment="off-topic",
    )
    question = event.questions.get(kind="question")
    notification = Notification.objects.filter(recipient=pat.profile).first()
    from gathering.models import Archive

    archive = Archive.objects.create(
        series=series,
        topic="Held elsewhere",
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        host_acct="pat@chat-b.test",
        servers=["https://chat-b.test"],
    )
    params = {
        "archive_id": archive.id,
        "watched_id": 1,
        "handle": "pat",
        "name": "auslibchat",
        "hashtag": "auslibchat",
        "post_id": pat_post.id,
        "event_id": event.id,
        "question_id": question.id,
        "notification_id": notification.id if notification else 1,
        "verb": "like",
        "fmt": "html",
        "report_id": report.id,
        # The follow requests page answers a profile's request (none pending here).
        "follower_id": olly.profile.id,
    }
    return World(series, event, pat_post, olly_post, org_post, next_event, params)


@pytest.fixture
def world(clock, hana, ngac, pat, olly, hklibconnect) -> World:
    return make_world(hana, ngac, pat, olly, hklibconnect)


def page_routes() -> list[tuple[str, str]]:
    """(route pattern, name) of every page of the site, from the URL configuration."""

    return [
        (route, name)
        for route, name in walk_routes(get_resolver().url_patterns)
        if not route.startswith(NOT_PAGES) and name and name not in NOT_PAGE_NAMES
    ]


def fill(route: str, params: dict) -> str:
    import re

    def value(m):
        return str(params[m.group(2)])

    return "/" + re.sub(r"<(\w+:)?(\w+)>", value, route)
