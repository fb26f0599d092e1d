"""How many login attempts hashchat allows, which accounts decides (the counting is
core.ratelimit's). Three limits, each counted before the password is checked:

- "login:username_ip": attempts at one username from one client address (5 in 15
  minutes). This is the lockout a guesser meets; it locks that address out of that
  username only, so a stranger's wrong passwords never lock the owner out elsewhere.
- "login:username": attempts at one username from every address together (50 an
  hour): a guesser spread over many addresses is stopped too. Larger, so that it
  takes a determined, distributed attack to reach it (docs/security.md).
- "login:ip": attempts from one address at any usernames (30 in 5 minutes):
  trying many usernames with common passwords.

Every attempt is counted (an atomic increment, so parallel guesses cannot slip
past the count), and a login that succeeds clears its username's counters again:
only failures accumulate. Unknown usernames are counted exactly like known ones,
and every refusal, whatever its cause, is the same exception with the same text,
so the answer never tells whether a username exists or is locked.
"""

from core import ratelimit
from core.errors import InvalidInput, RateLimited

# One text for every failure: unknown username, wrong password, too many attempts.
LOGIN_FAILED = (
    "That username and password do not match, or there were too many attempts: "
    "check them, or wait 15 minutes and try again."
)


def _limits(username: str, ip: str) -> list[tuple[str, str]]:
    name = username.strip().lower()
    return [("login:ip", ip), ("login:username_ip", f"{name}\n{ip}"), ("login:username", name)]


def failed() -> InvalidInput:
    return InvalidInput(LOGIN_FAILED)


def count_attempt(username: str) -> None:
    """Count an attempt before checking the password; refuse it (with the one failure
    text) when any of the login limits is used up. Outside a client request nothing
    is counted."""
    ip = ratelimit.client_ip()
    if ip is None:
        return
    refused = False
    for name, key in _limits(username, ip):
        try:
            ratelimit.limit(name, key)
        except RateLimited:
            refused = True
    if refused:
        raise failed()


def succeeded(username: str) -> None:
    """The password was right: the username's counters start again."""
    ip = ratelimit.client_ip()
    if ip is None:
        return
    for name, key in _limits(username, ip)[1:]:
        conf = ratelimit.configured(name)
        if conf is not None:
            ratelimit.clear(name, key, limit=conf[0], window=conf[1])
