"""An extension point: finding accounts and statuses that live on other servers
(`/api/v2/search?resolve=true`, `/api/v1/accounts/search?resolve=true`).

mastodon_api knows nothing of how; an app above it (federation) registers its
functions from its AppConfig.ready(). With none registered, resolving finds nothing.
"""

from collections.abc import Callable

from accounts.models import Profile
from posts.models import Post

AccountResolver = Callable[[str], Profile | None]
StatusResolver = Callable[[str], Post | None]

_accounts: list[AccountResolver] = []
_statuses: list[StatusResolver] = []


def register(*, account: AccountResolver | None = None, status: StatusResolver | None = None):
    if account is not None and account not in _accounts:
        _accounts.append(account)
    if status is not None and status not in _statuses:
        _statuses.append(status)


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
