"""What posts' actions announce, for the apps above them (federation sends them on
as activities). Each is sent after the action's transaction has committed.

    post_created(post)                      a new post (not a repost)
    post_edited(post)
    post_deleted(post, mentioned)           `mentioned`: the profiles it mentioned
    post_liked(profile, post) / post_unliked(profile, post)
    post_reposted(repost) / repost_undone(repost)   the repost row (repost_of set)
"""

from django.db import transaction
from django.dispatch import Signal

post_created = Signal()
post_edited = Signal()
post_deleted = Signal()
post_liked = Signal()
post_unliked = Signal()
post_reposted = Signal()
repost_undone = Signal()


def send_on_commit(signal: Signal, **kwargs) -> None:
    """Send `signal` once the surrounding transaction commits; a failing receiver is
    logged and does not undo the action."""
    transaction.on_commit(lambda: signal.send_robust(sender=None, **kwargs), robust=True)
