"""What chats' actions announce, for the apps above them. Each is sent after the
action's transaction has committed.

    post_hidden(post, event)        a host hid `post` from `event`'s conversation
"""

from django.db import transaction
from django.dispatch import Signal

post_hidden = Signal()


def send_on_commit(signal: Signal, **kwargs) -> None:
    """Send `signal` once the surrounding transaction commits; a failing receiver is
    logged and does not undo the action."""
    transaction.on_commit(lambda: signal.send_robust(sender=None, **kwargs), robust=True)
