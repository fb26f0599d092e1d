"""Extension points for what lives on other servers: finding accounts and statuses
(`/api/v2/search?resolve=true`, `/api/v1/accounts/search?resolve=true`), and follows
still waiting for the other side's answer (a Relationship's `requested`).

mastodon_api knows nothing of how; an app above it (federation) registers its
functions from its AppConfig.ready(). With none registered, resolving finds nothing
and no follow is pending.
"""

from collections.abc import Callable

from accounts.models import Profile
from posts.models import Post

AccountResolver = Callable[[str], Profile | None]
StatusResolver = Callable[[str], Post | None]
# (viewer, target ids) -> (ids the viewer asked to follow, ids that asked to follow the viewer)
PendingFollows = Callable[[Profile, list[int]], tuple[set[int], set[int]]]

_accounts: list[AccountResolver] = []
_statuses: list[StatusResolver] = []
_pending: list[PendingFollows] = []


def register(
    *,
    account: AccountResolver | None = None,
    status: StatusResolver | None = None,
    pending_follows: PendingFollows | None = None,
):
    if account is not None and account not in _accounts:
        _accounts.append(account)
    if status is not None and status not in _statuses:
        _statuses.append(status)
    if pending_follows is not None and pending_follows not in _pending:
        _pending.append(pending_follows)


def pending_follows(viewer: Profile, target_ids: list[int]) -> tuple[set[int], set[int]]:
    """Follows between `viewer` and these profiles that wait for an answer, both ways."""
    asked: set[int] = set()
    asked_by: set[int] = set()
    for find in _pending:
        one, other = find(viewer, target_ids)
        asked |= one
        asked_by |= other
    return asked, asked_by


def resolve_account(query: str) -> Profile | None:
    """The account `query` names (@user@domain or an actor's URL), fetched if need be."""
    for resolver in _accounts:
        if (found := resolver(query)) is not None:
            return found
    return None


def resolve_status(query: str) -> Post | None:
    """The status at the URL `query`, fetched if need be."""
    for resolver in _statuses:
        if (found := resolver(query)) is not None:
            return found
    return None
