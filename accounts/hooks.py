"""Extension points of accounts: how an app above accounts takes part in its
actions without accounts naming it.

    from accounts import hooks
    hooks.on_follow(notify_followee)     # in posts' AppConfig.ready()

`on_follow(func)`: `func(follower, followee)` runs inside the transaction that
creates a new follow (not for one that already existed); an exception rolls the
follow back. posts uses it to notify the followed profile.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import Profile

FollowHook = Callable[["Profile", "Profile"], object]

_follow: dict[str, FollowHook] = {}


def on_follow(name: str, func: FollowHook) -> None:
    """Register (or replace, by `name`) a hook run for every new follow."""
    _follow[name] = func


def remove(name: str) -> None:
    """Take a hook away again (tests that register their own)."""
    _follow.pop(name, None)


def followed(follower: "Profile", followee: "Profile") -> None:
    for func in _follow.values():
        func(follower, followee)
