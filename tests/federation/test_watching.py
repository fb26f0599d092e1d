"""Gathering during the chat: the hosts' watched servers' public tag timelines are read
while an event is in its window (since_id, ETag, backoff), new posts come in through their
ActivityPub id and join the chat once, and a failing server shows on the event page."""

from datetime import timedelta

import httpx
import pytest
from django.test import Client

from chats import scheduler
from chats.models import ChatPost
from core.errors import InvalidInput
from federation import http
from gathering import watching
from gathering.models import WatchedServer
from posts.models import Post
from tests.chats.conftest import FEB_CHAT, clock, event, series  # noqa: F401 (fixtures)
from tests.federation.conftest import THERE, signed_post
from tests.federation.test_inbox import create

TIMELINE = f"{THERE}/api/v1/timelines/tag/auslibchat"


@pytest.fixture
def live(clock, event, federation_on):  # noqa: F811
    clock.move_to(FEB_CHAT + timedelta(minutes=16))
    scheduler.run_due()
    return event


@pytest.fixture
def timeline(chat_b, monkeypatch):
    """chat-b.test's tag timeline: `answers` maps a request's URL to (status, body,
    headers); everything else is the fake server's objects."""
    answers: dict[str, tuple[int, object, dict]] = {}
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/api/v1/timelines/tag/"):
            seen.append(request)
            status, body, headers = answers.get(str(request.url), (200, [], {}))
            return httpx.Response(status, json=body, headers=headers)
        return chat_b.handler(request)

    monkeypatch.setattr(http, "make_transport", lambda: httpx.MockTransport(handler))
    return answers, seen


def listed(chat_b, number: int, text: str, author: str = "pat") -> dict:
    when = (FEB_CHAT + timedelta(minutes=16)).strftime("%Y-%m-%dT%H:%M:%SZ")
    note = chat_b.note(number, f"<p>{text}</p>", author=author, published=when)
    return {
        "id": str(2000 + number),
        "uri": note["id"],
        "created_at": when,
        "account": {"acct": author},
        "content": f"<p>{text}</p>",
        "visibility": "public",
        "reblog": None,
    }


def test_watched_posts_join_the_live_chat_once(live, chat_b, timeline, hana, clock):  # noqa: F811
    answers, seen = timeline
    watched = watching.watch(user=hana.user, series=live.series, server="chat-b.test")
    by_federation = listed(chat_b, 1, "A1 Came by federation #auslibchat")
    signed_post("/inbox", create(chat_b.objects[by_federation["uri"]]))
    only_listed = listed(chat_b, 2, "A1 Only on B's timeline #auslibchat")
    answers[f"{TIMELINE}?limit=40"] = (200, [only_listed, by_federation], {"etag": '"v1"'})
    assert watching.poll_due() == 1
    post = Post.objects.get(uri=only_listed["uri"])
    link = ChatPost.objects.select_related("question").get(post=post)
    assert link.event == live and link.question.number == 1
    assert Post.objects.filter(uri=by_federation["uri"]).count() == 1
    # Not again before the pause; then with since_id and the ETag.
    assert watching.poll_due() == 0 and len(seen) == 1
    clock.move_to(FEB_CHAT + timedelta(minutes=16, seconds=6))
    answers[f"{TIMELINE}?limit=40&since_id=2002"] = (304, None, {})
    assert watching.poll_due() == 0
    assert seen[-1].headers["if-none-match"] == '"v1"'
    assert "signature" not in seen[-1].headers  # a public API read, not ActivityPub
    watched.refresh_from_db()
    assert (watched.since_id, watched.failures, watched.brought_in) == ("2002", 0, 1), (
        watched.last_error
    )


def test_a_rate_limiting_server_backs_off_and_shows_on_the_event_page(
    live,
    chat_b,
    timeline,
    hana,
    clock,  # noqa: F811
):
    answers, seen = timeline
    watching.watch(user=hana.user, series=live.series, server="https://chat-b.test/")
    answers[f"{TIMELINE}?limit=40"] = (429, {"error": "slow down"}, {"retry-after": "120"})
    assert watching.poll_due() == 0
    row = WatchedServer.objects.get()
    assert row.failures == 1 and "rate-limiting" in row.last_error
    clock.move_to(FEB_CHAT + timedelta(minutes=17))
    watching.poll_due()
    assert len(seen) == 1  # still waiting out the Retry-After
    client = Client()
    client.force_login(hana.user)
    page = client.get(f"/chats/auslibchat/events/{live.id}/").content.decode()
    assert "https://chat-b.test" in page and "is rate-limiting (HTTP 429)" in page
    assert (
        "rate-limiting" not in Client().get(f"/chats/auslibchat/events/{live.id}/").content.decode()
    )


def test_nothing_is_read_outside_an_event_window(event, chat_b, timeline, hana):  # noqa: F811
    _, seen = timeline
    watching.watch(user=hana.user, series=event.series, server="chat-b.test")
    assert watching.poll_due() == 0 and seen == []


def test_hosts_add_and_remove_watched_servers_on_the_event_page(live, hana, olly):
    client = Client()
    client.force_login(hana.user)
    added = client.post("/chats/auslibchat/watched/", {"server": "chat-b.test", "event": live.id})
    assert added.status_code == 302 and f"/events/{live.id}/" in added["Location"]
    row = WatchedServer.objects.get()
    bad = client.post("/chats/auslibchat/watched/", {"server": "ftp://x", "event": live.id})
    assert "watch_error" in bad["Location"]
    outsider = Client()
    outsider.force_login(olly.user)
    assert outsider.post(f"/chats/auslibchat/watched/{row.pk}/delete/").status_code == 404
    client.post(f"/chats/auslibchat/watched/{row.pk}/delete/", {"event": live.id})
    assert not WatchedServer.objects.exists()


def test_a_token_is_sent_to_servers_whose_timeline_needs_a_login(live, chat_b, timeline, hana):
    answers, seen = timeline
    watching.watch(user=hana.user, series=live.series, server="chat-b.test", access_token="t0k")
    watching.poll_due()
    assert seen[-1].headers["authorization"] == "Bearer t0k"
    with pytest.raises(InvalidInput):
        watching.watch(user=hana.user, series=live.series, server="chat-b.test", access_token="a b")
