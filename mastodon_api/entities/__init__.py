"""Mastodon entities (Status, Account, Notification, Tag, Relationship) built from
hashchat's models.

Lists are built in batches with a fixed number of queries whatever their length
(`status_entities`, `account_entities`, `relationship_entities`). Output without a
viewer is deterministic (same post, same dict, same key order), so the streaming
layer can serialise an `update` once for every subscriber.

accounts.py (Account, with counts), statuses.py (Status, Context), others.py
(Notification, Tag, Relationship), base.py (timestamps, links); import them from
here.
"""

from mastodon_api.entities.accounts import (
    account_entities,
    account_entity,
    credential_account_entity,
)
from mastodon_api.entities.base import _absolute_links, _base, iso, profile_url, status_url
from mastodon_api.entities.others import (
    API_TYPE_TO_KINDS,
    NOTIFICATION_TYPES,
    notification_entities,
    notification_entity,
    relationship_entities,
    relationship_entity,
    tag_entity,
)
from mastodon_api.entities.statuses import (
    context_entity,
    new_status_entity,
    status_entities,
    status_entity,
    status_queryset,
    tags_and_mentions,
    viewer_flags,
    with_status_joins,
)

__all__ = [
    "API_TYPE_TO_KINDS",
    "NOTIFICATION_TYPES",
    "_absolute_links",
    "_base",
    "account_entities",
    "account_entity",
    "context_entity",
    "credential_account_entity",
    "iso",
    "new_status_entity",
    "notification_entities",
    "notification_entity",
    "profile_url",
    "relationship_entities",
    "relationship_entity",
    "status_entities",
    "status_entity",
    "status_queryset",
    "status_url",
    "tag_entity",
    "tags_and_mentions",
    "viewer_flags",
    "with_status_joins",
]
