"""Federation's part in the domain actions, connected from FederationConfig.ready():
posts' and accounts' signals (sent after their transactions commit) queue the
activities of federation.outgoing, and the worker runs the deliveries."""

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

from accounts import signals as account_signals
from chats import signals as chat_signals
from core import worker
from federation import chat_account, delivery, follow_requests, inbox_queue, lookup, outgoing
from mastodon_api import resolvers
from posts import signals as post_signals

RECEIVERS: list[tuple[Signal, Callable[..., Any]]] = [
    (post_signals.post_created, outgoing.on_post_created),
    (post_signals.post_edited, outgoing.on_post_edited),
    (post_signals.post_deleted, outgoing.on_post_deleted),
    (post_signals.post_liked, outgoing.on_post_liked),
    (post_signals.post_unliked, outgoing.on_post_unliked),
    (post_signals.post_reposted, outgoing.on_post_reposted),
    (post_signals.repost_undone, outgoing.on_repost_undone),
    (account_signals.follow_created, outgoing.on_follow_created),
    (account_signals.follow_removed, outgoing.on_follow_removed),
    (account_signals.block_created, outgoing.on_block_created),
    (account_signals.block_removed, outgoing.on_block_removed),
    (account_signals.profile_updated, outgoing.on_profile_updated),
    # A series' account boosts its chat and follows back (federation.chat_account).
    (post_signals.post_created, chat_account.on_post_created),
    (chat_signals.post_hidden, chat_account.on_post_hidden),
    (account_signals.follow_created, chat_account.on_follow_created),
]


def connect() -> None:
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, dispatch_uid=f"{receiver.__module__}.{receiver.__name__}")
    # search?resolve=true finds remote accounts and posts.
    resolvers.register(
        account=lookup.resolve_account,
        status=lookup.resolve_status,
        pending_follows=follow_requests.pending_follows,
    )
    # Send what is due twice a second, the worker loop's pace (each claimed once,
    # see federation.delivery).
    worker.every(0.5, delivery.run_due, name=outgoing.DELIVERY_JOB)
    # Process what the inboxes stored, at the same pace (and at once when nudged).
    worker.every(0.5, inbox_queue.run_due, name=inbox_queue.JOB)
    # Forget old deliveries and incoming activities, hourly.
    worker.every(3600.0, delivery.prune)
    worker.every(3600.0, inbox_queue.prune)
