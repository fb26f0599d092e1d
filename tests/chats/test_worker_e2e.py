"""End to end: `hashchat serve` runs the worker in its own process, which posts a
due question from the organiser profile; the pages and API show it."""

import time

import httpx

from tests.server import running_server

SETUP = """
from datetime import time as t, timedelta
from django.utils import timezone
from accounts import actions as accounts
from chats import actions
user = accounts.sign_up(username="hana", email="hana@example.org", password="hana-secret-pw")
org = accounts.create_organisation(user=user, handle="NGAC", display_name="NGAC")
series = actions.create_series(
    user=user, organiser=org, hashtag="auslibchat", title="Library chat",
    timezone="Asia/Hong_Kong", rrule="FREQ=DAILY", start_time=t(19, 0),
)
event = actions.create_event(
    user=user, series=series, starts_at=timezone.now() - timedelta(seconds=30),
    topic="Customer Service",
    questions=[{"kind": "welcome", "text": "Welcome, everyone!", "offset": 0},
               {"kind": "question", "text": "What brought you here?", "offset": 5}],
)
print(event.id)
"""


def test_the_server_posts_a_due_welcome_once_with_its_delay():
    with running_server() as server:
        out = server.hashchat("manage", "shell", "-c", SETUP).stdout.split()
        event_id = out[-1]
        api = f"{server.url}/api/hashchat/v1/events/{event_id}"
        deadline = time.monotonic() + 20
        welcome = None
        while time.monotonic() < deadline:
            data = httpx.get(api, timeout=5).json()
            # Questions are not public: each appears once it has been asked.
            asked = [q for q in data["questions"] if q["kind"] == "welcome"]
            if asked:
                welcome = asked[0]
                break
            time.sleep(0.2)
        assert welcome and welcome["post_id"], "the worker did not post the welcome"
        assert data["state"] == "live"
        assert welcome["delay_seconds"] >= 30
        posts = httpx.get(f"{api}/posts", timeout=5).json()
        assert [p["author"]["handle"] for p in posts] == ["NGAC"]
        assert posts[0]["text"].endswith("#auslibchat")
        page = httpx.get(f"{server.url}/chats/auslibchat/events/{event_id}/", timeout=5)
        assert page.status_code == 200 and "Join the live room" in page.text
        time.sleep(1.5)
        assert len(httpx.get(f"{api}/posts", timeout=5).json()) == 1
