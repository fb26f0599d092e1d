"""Helpers for tests against real servers (no Django imports: the bench uses them too)."""

import contextlib
import textwrap
import threading

import httpx

SETUP = textwrap.dedent(
    """
    from datetime import time, timedelta
    from django.utils import timezone
    from accounts import actions as accounts
    from chats import actions as chats
    hana = accounts.sign_up(username="hana", email="hana@example.org",
                            password="hana-secret-pw", timezone="UTC")
    pat = accounts.sign_up(username="pat", email="pat@example.org",
                           password="pat-secret-pw", timezone="UTC")
    start = timezone.now() - timedelta(minutes=1)
    series = chats.create_series(user=hana, organiser=hana.personal_profile, hashtag="livetest",
        title="Live test", timezone="UTC", rrule="FREQ=DAILY", start_time=time(0, 0))
    event = chats.create_event(user=hana, series=series, topic="Streams", starts_at=start,
        questions=[])
    print(event.id)
    """
)


def set_up_chat(server) -> str:
    """Two logins (hana, pat) and a #livetest event; returns the event's id."""
    done = server.hashchat("manage", "shell", "-c", SETUP)
    return done.stdout.strip().splitlines()[-1]


def login(url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=10, headers={"Accept": "application/json"})
    client.get("/login/", headers={"Accept": "text/html"})
    client.post(
        "/login/",
        data={
            "username": username,
            "password": f"{username}-secret-pw",
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
        headers={"Accept": "text/html", "Referer": url + "/login/"},
    )
    assert "sessionid" in client.cookies, "login failed"
    return client


def post_in_room(client: httpx.Client, event_id: str, text: str) -> dict:
    response = client.post(
        f"/chats/livetest/events/{event_id}/room/post",
        data={"text": text},
        headers={"X-CSRFToken": client.cookies["csrftoken"], "Referer": str(client.base_url)},
    )
    assert response.status_code == 201, response.text
    return response.json()["item"]


class SSEReader:
    """Reads events off an SSE response, keeping the raw bytes for exact checks."""

    def __init__(self, response: httpx.Response) -> None:
        self.chunks = response.iter_raw()
        self.raw = b""
        self.parsed = 0  # bytes of self.raw already turned into events

    def events(self, count: int) -> list[dict]:
        found: list[dict] = []
        while len(found) < count:
            end = self.raw.find(b"\n\n", self.parsed)
            if end < 0:
                self.raw += next(self.chunks)
                continue
            block, self.parsed = self.raw[self.parsed : end], end + 2
            fields: dict = {}
            for line in block.split(b"\n"):
                if line and not line.startswith(b":"):
                    key, _, value = line.decode().partition(": ")
                    fields[key] = value
            if "event" in fields:
                found.append(fields)
        return found


def hide_in_room(client: httpx.Client, event_id: str, post_id: str) -> None:
    response = client.post(
        f"/chats/livetest/events/{event_id}/room/posts/{post_id}/hide",
        headers={"X-CSRFToken": client.cookies["csrftoken"], "Referer": str(client.base_url)},
    )
    assert response.status_code == 200, response.text


TOKEN = textwrap.dedent(
    """
    from accounts.models import User
    from mastodon_api.actions import issue_token, register_app
    app = register_app(name="live tests", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"],
                       scopes="read write")
    user = User.objects.get(username="{username}")
    print(issue_token(app=app, user=user, profile=user.personal_profile,
                      scopes={{"read"}}).access_token)
    """
)


def token_for(server, username: str) -> str:
    """A read-scoped bearer token for `username`."""
    done = server.hashchat("manage", "shell", "-c", TOKEN.format(username=username))
    return done.stdout.strip().splitlines()[-1]


def reply_in_room(client: httpx.Client, event_id: str, post_id: str, text: str) -> dict:
    response = client.post(
        f"/chats/livetest/events/{event_id}/room/post",
        data={"text": text, "in_reply_to": post_id},
        headers={"X-CSRFToken": client.cookies["csrftoken"], "Referer": str(client.base_url)},
    )
    assert response.status_code == 201, response.text
    return response.json()["item"]


@contextlib.contextmanager
def sse_stream(url: str, seconds: float = 90):
    """An SSE stream that is closed after `seconds` at the latest, so a test waiting
    for an event that never comes fails instead of hanging (nothing is timed)."""
    with httpx.stream("GET", url, timeout=30) as response:
        watchdog = threading.Timer(seconds, response.close)
        watchdog.start()
        try:
            yield SSEReader(response)
        finally:
            watchdog.cancel()
