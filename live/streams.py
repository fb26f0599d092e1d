"""Which hub streams a stream request stands for: the registries the apps above
live fill in their `AppConfig.ready()`.

live knows no app. It offers three extension points:

- `on_stream(names, resolver)`: a stream name (Mastodon's "public", "hashtag",
  "user" ...) and the function that turns it, with the request's tag and viewer,
  into hub streams and a filter (mastodon_api registers Mastodon's names);
- `on_path(pattern, resolver)`: a URL path served by live.streaming (the chat
  room's event stream, registered by chats);
- `authenticate_with(authenticator)`: who a bearer token stands for
  (mastodon_api, which issues tokens, registers it), and `still_valid` re-asks
  it while a stream stays open (a revoked token or a suspended profile ends it).

Resolvers and authenticators run in a thread of live's database pool (they may
query); the hot path (the fan-out) never calls them.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from live.hub import Accept, Label


class StreamError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Viewer:
    """Who opened a stream: a profile (any object with an `id`) and the token's scopes."""

    profile: Any
    scopes: frozenset[str]
    # The bearer token it came from, re-checked while the stream is open.
    token: str | None = field(default=None, repr=False)

    @property
    def profile_id(self) -> int | None:
        return getattr(self.profile, "id", None)


@dataclass
class Resolved:
    label: Label
    streams: frozenset[str]
    accept: Accept


StreamResolver = Callable[[str, str | None, Viewer | None], Resolved]
PathResolver = Callable[["re.Match[str]"], list[Resolved] | None]
Authenticator = Callable[[str], Viewer | None]

_streams: dict[str, StreamResolver] = {}
_paths: list[tuple[re.Pattern[str], PathResolver]] = []
_authenticator: list[Authenticator] = []


def on_stream(names: tuple[str, ...] | list[str], resolver: StreamResolver) -> None:
    """Serve the stream `names` with `resolver(name, tag, viewer)`, which returns a
    Resolved or raises StreamError (e.g. 401 without a token)."""
    for name in names:
        _streams[name] = resolver


def remove_stream(name: str) -> None:
    """Stop serving the stream `name` (tests that register their own)."""
    _streams.pop(name, None)


def on_path(pattern: str, resolver: PathResolver) -> None:
    """Serve Server-Sent Events at the paths `pattern` matches: `resolver(match)`
    returns what to subscribe to, or None for a 404."""
    compiled = re.compile(pattern)
    _paths[:] = [(p, r) for p, r in _paths if p.pattern != compiled.pattern]
    _paths.append((compiled, resolver))


def authenticate_with(authenticator: Authenticator) -> None:
    """`authenticator(token)` returns the Viewer of a valid token, None otherwise."""
    _authenticator[:] = [authenticator]


def known_names() -> frozenset[str]:
    return frozenset(_streams)


def match_path(path: str) -> tuple[PathResolver, "re.Match[str]"] | None:
    for pattern, resolver in _paths:
        found = pattern.match(path)
        if found is not None:
            return resolver, found
    return None


def resolve(name: str, tag: str | None, viewer: Viewer | None) -> Resolved:
    """The hub side of one named stream (runs in a thread: it may query)."""
    resolver = _streams.get(name)
    if resolver is None:
        raise StreamError("Unknown stream type")
    return resolver(name, tag, viewer)


def viewer_for_token(token: str | None) -> Viewer | None:
    """The profile and scopes of a bearer token; None without one. Raises on a bad one."""
    if not token:
        return None
    viewer = _authenticator[0](token) if _authenticator else None
    if viewer is None:
        raise StreamError("Invalid access token", 401)
    viewer.token = token
    return viewer


def access_stream(profile_id: object) -> str:
    """The hub stream whose CLOSE event (live.publish.close_streams_on_commit) ends
    every connection opened with a token of this profile."""
    return f"access:profile:{profile_id}"


def still_valid(viewer: Viewer | None) -> bool:
    """Whether a stream opened by `viewer` may go on: its token still authenticates,
    as the same profile (a revoked token, a suspended profile or a lost membership
    do not). Anonymous streams always may."""
    if viewer is None or viewer.token is None:
        return True
    again = _authenticator[0](viewer.token) if _authenticator else None
    return again is not None and again.profile_id == viewer.profile_id
