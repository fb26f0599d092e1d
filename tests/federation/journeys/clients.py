"""How the journeys act and look: Mastodon.py against each server's Mastodon API, httpx for
WebFinger, ActivityPub and hashchat's own API, and a reader of a chat room's event stream."""

import json
import threading
import time
from dataclasses import dataclass

import httpx
from mastodon import Mastodon

from tests.federation.journeys.lab import HashchatServer, TakaheServer, wait_for

SCOPES = ["read", "write", "follow"]
OOB = "urn:ietf:wg:oauth:2.0:oob"
AP_ACCEPT = "application/activity+json"


def hashchat_client(
    server: HashchatServer, login: str, password: str, scopes: list[str] = SCOPES
) -> Mastodon:
    """A Mastodon.py client logged in to `server` (OAuth password grant, over https)."""
    client_id, client_secret = Mastodon.create_app(
        "fedlab journeys", api_base_url=server.url, scopes=scopes, redirect_uris=OOB
    )
    client = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=server.url)
    client.log_in(username=login, password=password, scopes=scopes)
    return client


def takahe_client(server: TakaheServer) -> Mastodon:
    # Takahē's /api/v1/instance version does not parse as Mastodon's (Mastodon.py would keep
    # asking); it implements the Mastodon 4.0 API the journeys use.
    return Mastodon(
        access_token=server.token,
        api_base_url=server.url,
        mastodon_version="4.0.0",
        version_check_mode="none",
    )


def resolve_account(client: Mastodon, acct: str) -> dict:
    """The account `@user@domain` as `client`'s server knows it, fetched from its home server
    (search with resolve=true); polls, since a server may fetch it in the background."""

    def found():
        accounts = client.search_v2(acct, resolve=True, result_type="accounts")["accounts"]
        wanted = acct.lstrip("@").lower()
        return next((a for a in accounts if a["acct"].lower() == wanted), None)

    return wait_for(found, timeout=30, interval=1, what=f"resolving {acct}")


def resolve_status(client: Mastodon, url: str) -> dict:
    """The status at `url` (another server's) as `client`'s server knows it."""

    def found():
        statuses = client.search_v2(url, resolve=True, result_type="statuses")["statuses"]
        return statuses[0] if statuses else None

    return wait_for(found, timeout=30, interval=1, what=f"resolving the status {url}")


def follow(
    client: Mastodon, account: dict, *, followee: Mastodon, follower_acct: str, timeout: float
) -> None:
    """Follows `account` (on another server) and waits until that server has accepted: the
    follower's server says so, and the followee's server lists `follower_acct` among
    the followers (`followee`: a client of the followed account on its own server)."""
    client.account_follow(account["id"])

    def accepted():
        relationship = client.account_relationships(account["id"])[0]
        return relationship["following"] and not relationship.get("requested")

    wait_for(accepted, timeout=timeout, interval=0.5, what=f"{account['acct']} accepting a follow")
    own_id = followee.me()["id"]

    def listed():
        followers = followee.account_followers(own_id, limit=80)
        return any(a["acct"].lower() == follower_acct.lower() for a in followers)

    wait_for(listed, timeout=timeout, interval=0.5, what=f"{follower_acct} among the followers")


def in_home(client: Mastodon, uri: str, *, timeout: float) -> dict:
    """Waits until the status with ActivityPub id `uri` is in `client`'s home timeline."""

    def found():
        # The status itself, not a boost of it (a chat account boosts its chat's posts).
        return next(
            (s for s in client.timeline_home(limit=40) if s["uri"] == uri and not s.get("reblog")),
            None,
        )

    return wait_for(found, timeout=timeout, interval=0.5, what=f"{uri} in the home timeline")


def public_status(server: HashchatServer, status_id: str) -> httpx.Response:
    return httpx.get(f"{server.url}/api/v1/statuses/{status_id}", timeout=10)


def actor_of(acct: str) -> dict:
    """The ActivityPub actor of `user@domain`, found through WebFinger as any server would."""
    user, domain = acct.lstrip("@").split("@")
    finger = httpx.get(
        f"https://{domain}/.well-known/webfinger",
        params={"resource": f"acct:{user}@{domain}"},
        timeout=10,
    )
    finger.raise_for_status()
    link = next(
        link
        for link in finger.json()["links"]
        if link.get("rel") == "self" and "activity+json" in link.get("type", "")
    )
    actor = httpx.get(link["href"], headers={"Accept": AP_ACCEPT}, timeout=10)
    actor.raise_for_status()
    return actor.json()


def transcript_post(server: HashchatServer, event_id: str, post_id: str) -> dict | None:
    transcript = httpx.get(
        f"{server.url}/api/hashchat/v1/events/{event_id}/transcript", timeout=30
    ).json()
    return next((p for p in transcript["posts"] if p["id"] == post_id), None)


@dataclass
class RoomEvent:
    type: str
    data: dict
    at: float  # time.monotonic() when it arrived


class RoomWatcher:
    """Reads a chat room's event stream (SSE, as the room page does) in a thread, keeping every
    event with the moment it arrived."""

    def __init__(self, server: HashchatServer, hashtag: str, event_id: str) -> None:
        self.url = f"{server.url}/chats/{hashtag}/events/{event_id}/room/stream"
        self.events: list[RoomEvent] = []
        self.connected = threading.Event()
        self.changed = threading.Condition()
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)

    def __enter__(self) -> "RoomWatcher":
        self._thread.start()
        if not self.connected.wait(15):
            raise AssertionError(f"the room stream {self.url} did not answer: {self.error!r}")
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()

    def _read(self) -> None:
        try:
            timeout = httpx.Timeout(10, read=None)
            with httpx.stream("GET", self.url, timeout=timeout) as response:
                response.raise_for_status()
                self.connected.set()
                kind, data = "message", []
                for line in response.iter_lines():
                    if self._stop.is_set():
                        return
                    if line.startswith("event:"):
                        kind = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].strip())
                    elif line == "" and data:
                        event = RoomEvent(kind, json.loads("\n".join(data)), time.monotonic())
                        with self.changed:
                            self.events.append(event)
                            self.changed.notify_all()
                        kind, data = "message", []
        except BaseException as e:  # the waiting side reports it
            self.error = e
            self.connected.set()

    def wait_for(self, predicate, *, timeout: float, what: str) -> RoomEvent:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                match = next((e for e in self.events if predicate(e)), None)
                if match:
                    return match
                left = deadline - time.monotonic()
                if left <= 0 or self.error:
                    seen = [(e.type, str(e.data)[:120]) for e in self.events[-5:]]
                    raise AssertionError(
                        f"{what}: not in the room within {timeout}s "
                        f"(stream error: {self.error!r}; last events: {seen})"
                    )
                self.changed.wait(left)

    def chat_post(self, uri: str, *, timeout: float) -> RoomEvent:
        """Waits for the `chat.post` of the status whose ActivityPub id is `uri`."""
        return self.wait_for(
            lambda e: e.type == "chat.post" and e.data.get("status", {}).get("uri") == uri,
            timeout=timeout,
            what=f"the post {uri}",
        )
