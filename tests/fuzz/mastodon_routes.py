"""Every route of the Mastodon API and OAuth that hashchat serves, with its methods
and the parameters each method reads, for the property-based fuzzer
(test_mastodon_api.py). test_every_route_is_in_the_table fails when a route is
added to mastodon_api/urls.py (or federation/api_urls.py) without a row here, or when a row's methods differ
from what the route answers to.

Kinds: "id" (a status/account/notification id), "ids" (a list of them), "int",
"bool", "text", "texts" (a list), "tag", "visibility", "scope".
Path parameters are named in the pattern; their kinds come from PATH_KINDS.
"""

PAGE = {"limit": "int", "max_id": "id", "since_id": "id", "min_id": "id"}
PATH_KINDS = {"post_id": "id", "profile_id": "id", "notification_id": "id", "hashtag": "tag"}
PATH_KINDS["name"] = "tag"
PATH_KINDS["account_id"] = "id"
PATH_KINDS["block_id"] = "id"

STATUS_FIELDS = {
    "status": "text",
    "in_reply_to_id": "id",
    "media_ids": "ids",
    "sensitive": "bool",
    "spoiler_text": "text",
    "visibility": "visibility",
    "language": "text",
    "scheduled_at": "text",
    "poll": "texts",
}

# pattern (as in mastodon_api/urls.py) -> {method: {parameter: kind}}
ROUTES: dict[str, dict[str, dict[str, str]]] = {
    "api/v1/timelines/public": {
        "GET": {**PAGE, "local": "bool", "remote": "bool", "only_media": "bool"}
    },
    "api/v1/timelines/tag/<str:hashtag>": {
        "GET": {
            **PAGE,
            "any": "texts",
            "all": "texts",
            "none": "texts",
            "only_media": "bool",
            "remote": "bool",
        }
    },
    "api/v1/timelines/home": {"GET": PAGE},
    "api/v1/conversations": {"GET": PAGE},
    "api/v1/markers": {
        "GET": {"timeline": "texts"},
        "POST": {"home[last_read_id]": "id", "notifications[last_read_id]": "id"},
    },
    "api/v1/statuses": {"POST": STATUS_FIELDS},
    "api/v1/statuses/<str:post_id>": {
        "GET": {},
        "PUT": {"status": "text", "spoiler_text": "text", "sensitive": "bool", "media_ids": "ids"},
        "DELETE": {},
    },
    "api/v1/statuses/<str:post_id>/context": {"GET": {}},
    "api/v1/statuses/<str:post_id>/reblogged_by": {"GET": PAGE},
    "api/v1/statuses/<str:post_id>/favourited_by": {"GET": PAGE},
    "api/v1/statuses/<str:post_id>/favourite": {"POST": {}},
    "api/v1/statuses/<str:post_id>/unfavourite": {"POST": {}},
    "api/v1/statuses/<str:post_id>/reblog": {"POST": {"visibility": "visibility"}},
    "api/v1/statuses/<str:post_id>/unreblog": {"POST": {}},
    "api/v1/statuses/<str:post_id>/bookmark": {"POST": {}},
    "api/v1/statuses/<str:post_id>/unbookmark": {"POST": {}},
    "api/v1/statuses/<str:post_id>/history": {"GET": {}},
    "api/v1/statuses/<str:post_id>/source": {"GET": {}},
    "api/v1/scheduled_statuses": {"GET": PAGE},
    "api/v1/apps": {
        "POST": {
            "client_name": "text",
            "redirect_uris": "texts",
            "scopes": "scope",
            "website": "text",
        }
    },
    "api/v1/apps/verify_credentials": {"GET": {}},
    "oauth/authorize": {
        "GET": {
            "response_type": "text",
            "client_id": "text",
            "redirect_uri": "text",
            "scope": "scope",
            "state": "text",
            "code_challenge": "text",
            "code_challenge_method": "text",
            "force_login": "bool",
        },
        "POST": {
            "step": "text",
            "username": "text",
            "password": "text",
            "decision": "text",
            "profile": "id",
        },
    },
    "oauth/token": {
        "POST": {
            "grant_type": "text",
            "client_id": "text",
            "client_secret": "text",
            "code": "text",
            "redirect_uri": "text",
            "code_verifier": "text",
            "scope": "scope",
            "username": "text",
            "password": "text",
            "refresh_token": "text",
        }
    },
    "oauth/revoke": {"POST": {"client_id": "text", "client_secret": "text", "token": "text"}},
    ".well-known/oauth-authorization-server": {"GET": {}},
    "api/v1/instance": {"GET": {}},
    "api/v2/instance": {"GET": {}},
    "api/v1/instance/peers": {"GET": {}},
    "api/v1/instance/activity": {"GET": {}},
    "api/v1/instance/rules": {"GET": {}},
    ".well-known/nodeinfo": {"GET": {}},
    "nodeinfo/2.0": {"GET": {}},
    "nodeinfo/2.0.json": {"GET": {}},
    "api/v1/custom_emojis": {"GET": {}},
    "api/v1/announcements": {"GET": {}},
    "api/v1/accounts/verify_credentials": {"GET": {}},
    "api/v1/accounts/update_credentials": {
        method: {
            "display_name": "text",
            "note": "text",
            "locked": "bool",
            "bot": "bool",
            "avatar": "text",
        }
        for method in ("PATCH", "PUT", "POST")
    },
    "api/v1/accounts/relationships": {"GET": {"id": "ids"}},
    "api/v1/accounts/search": {
        "GET": {"q": "text", "limit": "int", "offset": "int", "resolve": "bool"}
    },
    "api/v1/accounts/lookup": {"GET": {"acct": "text"}},
    "api/v1/accounts/<str:profile_id>": {"GET": {}},
    "api/v1/accounts/<str:profile_id>/statuses": {
        "GET": {
            **PAGE,
            "only_media": "bool",
            "pinned": "bool",
            "exclude_replies": "bool",
            "exclude_reblogs": "bool",
            "tagged": "text",
        }
    },
    "api/v1/accounts/<str:profile_id>/followers": {"GET": PAGE},
    "api/v1/accounts/<str:profile_id>/following": {"GET": PAGE},
    "api/v1/accounts/<str:profile_id>/featured_tags": {"GET": {}},
    "api/v1/accounts/<str:profile_id>/lists": {"GET": {}},
    "api/v1/accounts/<str:profile_id>/follow": {"POST": {"reblogs": "bool", "notify": "bool"}},
    "api/v1/accounts/<str:profile_id>/unfollow": {"POST": {}},
    "api/v1/accounts/<str:profile_id>/block": {"POST": {}},
    "api/v1/accounts/<str:profile_id>/unblock": {"POST": {}},
    "api/v1/accounts/<str:profile_id>/mute": {"POST": {"notifications": "bool", "duration": "int"}},
    "api/v1/accounts/<str:profile_id>/unmute": {"POST": {}},
    "api/v1/blocks": {"GET": PAGE},
    "api/v1/mutes": {"GET": PAGE},
    "api/v1/bookmarks": {"GET": PAGE},
    "api/v1/favourites": {"GET": PAGE},
    "api/v1/followed_tags": {"GET": PAGE},
    "api/v1/featured_tags": {"GET": {}},
    "api/v1/preferences": {"GET": {}},
    "api/v1/reports": {
        "POST": {
            "account_id": "id",
            "status_ids": "ids",
            "comment": "text",
            "category": "text",
            "rule_ids": "ids",
            "forward": "bool",
        }
    },
    "api/v1/lists": {"GET": {}},
    "api/v1/filters": {"GET": {}},
    "api/v2/filters": {"GET": {}},
    "api/v2/suggestions": {"GET": {"limit": "int"}},
    "api/v1/notifications": {
        "GET": {**PAGE, "types": "texts", "exclude_types": "texts", "account_id": "id"}
    },
    "api/v1/notifications/clear": {"POST": {}},
    "api/v1/notifications/unread_count": {"GET": {}},
    "api/v1/notifications/<str:notification_id>": {"GET": {}},
    "api/v1/notifications/<str:notification_id>/dismiss": {"POST": {}},
    "api/v2/search": {
        "GET": {
            "q": "text",
            "type": "text",
            "limit": "int",
            "offset": "int",
            "resolve": "bool",
            "account_id": "id",
        }
    },
    "api/v1/tags/<str:name>": {"GET": {}},
    "api/v1/tags/<str:name>/follow": {"POST": {}},
    "api/v1/tags/<str:name>/unfollow": {"POST": {}},
    # Answered by federation (federation/api_urls.py).
    "api/v1/follow_requests": {"GET": PAGE},
    "api/v1/follow_requests/<str:account_id>/authorize": {"POST": {}},
    "api/v1/follow_requests/<str:account_id>/reject": {"POST": {}},
    "api/v1/admin/domain_blocks": {
        "GET": PAGE,
        "POST": {"domain": "text", "severity": "text", "private_comment": "text"},
    },
    "api/v1/admin/domain_blocks/<str:block_id>": {"GET": {}, "DELETE": {}},
}
