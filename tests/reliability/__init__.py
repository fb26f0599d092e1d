"""End-to-end reliability tests against real `hashchat` processes."""

import httpx

from tests.server import Server

# Bursts in these tests must not be throttled by the rate limits.
NO_RATE_LIMITS = "post:profile=0/60,post:ip=0/60,login:ip=0/60,login:username=0/60,signup:ip=0/60"


def create_login(server: Server, username: str, password: str) -> None:
    server.hashchat(
        "createuser",
        "--username",
        username,
        "--email",
        f"{username}@example.org",
        "--password",
        password,
    )


def mastodon_token(url: str, username: str, password: str) -> str:
    """A bearer token through the Mastodon API (register an app, password grant)."""
    app = httpx.post(
        f"{url}/api/v1/apps",
        data={
            "client_name": "reliability",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read write",
        },
        timeout=10,
    )
    app.raise_for_status()
    creds = app.json()
    token = httpx.post(
        f"{url}/oauth/token",
        data={
            "grant_type": "password",
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "username": username,
            "password": password,
            "scope": "read write",
        },
        timeout=10,
    )
    token.raise_for_status()
    return token.json()["access_token"]
