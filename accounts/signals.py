"""What accounts' actions announce, for the apps above them (federation sends them
on as activities). Each is sent after the action's transaction has committed.

    follow_created(follow)                  a Follow row was made
    follow_removed(follower, followee)      a follow ended (unfollow, block)
    block_created(profile, target)          `profile` blocked `target`
    block_removed(profile, target)
    profile_updated(profile)                name, bio, avatar ... changed
"""

from django.db import transaction
from django.dispatch import Signal

follow_created = Signal()
follow_removed = Signal()
block_created = Signal()
block_removed = Signal()
profile_updated = Signal()


def send_on_commit(signal: Signal, **kwargs) -> None:
    """Send `signal` once the surrounding transaction commits; a failing receiver is
    logged and does not undo the action."""
    transaction.on_commit(lambda: signal.send_robust(sender=None, **kwargs), robust=True)
