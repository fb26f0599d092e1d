"""Bearer tokens and scopes, shared by the Mastodon API, the streaming layer and the
own API.

    auth = authenticate_bearer(request)   # (user, profile, scopes) or None
    if auth and has_scope(auth[2], "read:statuses"): ...

A token acts as exactly one profile, chosen when it was authorised. An app-only
token (client_credentials grant) has user and profile None. A token stops
working at once when it is revoked, when its login is deactivated, when its
profile is suspended, or when its login loses the right to act as the profile.
"""

import functools
from typing import Any

from django.db import connection

from accounts.models import Membership, Profile, User
from core.sqlrows import Selection
from mastodon_api.models import Token, digest

# The top-level scopes and what each one covers. `read:chats` and `write:chats` are
# hashchat's own: reading and changing series and events through /api/hashchat/v1/.
TOP_SCOPES = ("read", "write", "follow", "push", "profile", "admin:read", "admin:write")
READ_SCOPES = [
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:chats",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
]
WRITE_SCOPES = [
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:chats",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
]
# The legacy "follow" scope covers following, blocking and muting, read and write.
FOLLOW_COVERS = frozenset(
    ["read:blocks", "read:follows", "read:mutes", "write:blocks", "write:follows", "write:mutes"]
)
# The admin API's scopes hashchat answers (domain blocks, federation.admin_api); the
# API itself is for site admins only, whatever the token's scopes.
ADMIN_SCOPES = ["admin:read:domain_blocks", "admin:write:domain_blocks"]
ALL_SCOPES = (
    frozenset(TOP_SCOPES)
    | frozenset(READ_SCOPES)
    | frozenset(WRITE_SCOPES)
    | frozenset(ADMIN_SCOPES)
)
# Scopes of features hashchat does not have: web push. Clients ask for it by habit
# (Mastodon.py's default scopes include push), so asking is not an error, but it is
# never granted, offered on the consent page or advertised.
NOT_OFFERED = frozenset(["push"])
GRANTABLE_SCOPES = ALL_SCOPES - NOT_OFFERED

AuthResult = tuple[User | None, Profile | None, frozenset[str]]


def parse_scopes(value: str | list[str] | None, default: str = "read") -> frozenset[str]:
    """Scopes from a space- (or comma- or plus-) separated string or a list."""
    if value is None or value == "" or value == []:
        value = default
    if isinstance(value, list | tuple):
        value = " ".join(value)
    parts = value.replace(",", " ").replace("+", " ").split()
    return frozenset(parts)


def unknown_scopes(scopes: frozenset[str]) -> list[str]:
    return sorted(s for s in scopes if s not in ALL_SCOPES)


def grantable(scopes: frozenset[str], user: User | None = None) -> frozenset[str]:
    """The scopes of `scopes` that hashchat grants: never those of features it does
    not have, and the admin API's only to a site admin's login (the admin API checks
    the login too)."""
    admin = bool(user is not None and user.is_active and (user.is_staff or user.is_superuser))
    return frozenset(
        s for s in scopes if s not in NOT_OFFERED and (admin or not s.startswith("admin:"))
    )


def has_scope(scopes: frozenset[str] | set[str], required: str) -> bool:
    """Whether `scopes` grant `required` ("read", "write:statuses", "follow", ...).

    "read" grants every "read:..." scope, "write" every "write:...", and "follow"
    the follow, block and mute scopes.
    """
    if required in scopes:
        return True
    if required.startswith("admin:"):
        # "admin:write" grants every "admin:write:...", "admin:read" every "admin:read:...".
        return ":".join(required.split(":")[:2]) in scopes
    top, _, sub = required.partition(":")
    if sub and top in scopes and top in ("read", "write", "admin"):
        return True
    return bool(required in FOLLOW_COVERS and "follow" in scopes)


def scope_satisfied(scopes: frozenset[str] | set[str], *alternatives: str) -> bool:
    """True when any of the alternatives is granted."""
    return any(has_scope(scopes, s) for s in alternatives)


@functools.cache
def _token_query() -> tuple[str, Any, Any, Any]:
    """The token lookup as plain SQL (built once): the token, its login, its profile
    and whether the login may still act as the profile, in one row."""
    token, user, profile = Selection(Token, "t"), Selection(User, "u"), Selection(Profile, "p")
    sql = f"""
        SELECT {token.sql}, {user.sql}, {profile.sql},
            EXISTS(SELECT 1 FROM {Membership._meta.db_table} m
                   WHERE m.user_id = t.user_id AND m.profile_id = t.profile_id)
        FROM {Token._meta.db_table} t
        LEFT JOIN {User._meta.db_table} u ON u.id = t.user_id
        LEFT JOIN {Profile._meta.db_table} p ON p.id = t.profile_id
        WHERE t.token_digest = %s AND t.revoked_at IS NULL
    """
    return sql, token, user, profile


def find_token(token_string: str):
    """The live Token row for a bearer token string (user and profile loaded), or None.
    One query, in plain SQL: this runs on every API request, and compiling the
    equivalent ORM query took longer than running it (docs/performance.md)."""
    token_string = (token_string or "").strip()
    if not token_string or len(token_string) > 200:
        return None
    sql, token, user, profile = _token_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [digest(token_string)])
        found = cursor.fetchone()
    if found is None:
        return None
    row = token.instance(found, 0)
    row.user = user.instance(found, token.width)
    row.profile = profile.instance(found, token.width + user.width)
    may_act = bool(found[-1])
    if row.user is not None:
        if not row.user.is_active or row.profile is None:
            return None
        if row.profile.is_suspended or not may_act:
            return None
    return row


def authenticate_token(token_string: str) -> AuthResult | None:
    """(user, profile, scopes) for a valid token, else None. One query."""
    row = find_token(token_string)
    if row is None:
        return None
    return row.user, row.profile, parse_scopes(row.scopes)


def bearer_string(request) -> str | None:
    """The token from `Authorization: Bearer ...` (or an access_token query parameter,
    which some clients use for streaming)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        kind, _, value = header.partition(" ")
        if kind.lower() == "bearer" and value.strip():
            return value.strip()
        return None
    value = request.GET.get("access_token")
    return value or None


def authenticate_bearer(request) -> AuthResult | None:
    """(user, profile, scopes) for the request's bearer token, else None. Looked up
    once per request (the own API checks the token before it reads the body, and again
    where an operation asks who is calling)."""
    if hasattr(request, "_hashchat_bearer"):
        return request._hashchat_bearer
    token = bearer_string(request)
    found = None if token is None else authenticate_token(token)
    request._hashchat_bearer = found
    return found
