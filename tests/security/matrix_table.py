"""The authorisation matrix's table: every route of the URL configuration (pages,
the Mastodon API and OAuth, the own API) with what a write there must be.

- `READ`: the route changes no stored data (pages: a POST to it by a host and by a
  site admin is checked to change nothing; API routes are read-only when the route
  itself offers no write method).
- `Public(why)`: anyone may write here by design (sign-up, registering an app, the
  OAuth token exchange); other tests cover what protects it.
- a list of `Write`: each request, who may send it (`by`), and for the APIs the
  scope that grants it. tests/security/test_matrix.py tries each one as the wrong
  profile, with a token lacking the scope, with no login and as a suspended
  profile, and expects a refusal that changes nothing; then as the rightful caller,
  expecting a change (so a refusal is never a malformed request's).

`by`: "self" (anyone acting as their own profile: Pat does it, and the wrong-profile
attempt does not apply), "pat" (Pat's own post or notification, or a profile field
naming Pat's profile), "hana" (a host: as NGAC, the organiser), "ada" (a site
admin). Paths and data are formatted with the world's ids (test_matrix.values).
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Write:
    method: str
    path: str
    by: str
    data: dict = field(default_factory=dict)
    scope: str | None = None  # APIs: the token scope that grants it
    json: bool = False
    setup: Callable | None = None  # makes something to undo (unlike, unfollow ...)
    label: str = ""
    # Why a login whose profiles are all suspended may still do it (the suspended
    # attempt is then left out); empty for every write a profile makes.
    login_level: str = ""


@dataclass(frozen=True)
class Public:
    why: str


READ = "read"

# Setups: Pat has something to undo.


def pat_likes(w):
    w.do("like", post=w.pat_post)


def pat_reposts(w):
    w.do("repost", post=w.pat_post)


def pat_bookmarks(w):
    w.do("bookmark", post=w.pat_post)


def pat_follows_olly(w):
    w.do("follow", target=w.olly_profile)


def pat_blocks_olly(w):
    w.do("block", target=w.olly_profile)


def pat_mutes_olly(w):
    w.do("mute", target=w.olly_profile)


def pat_follows_tag(w):
    w.do("follow_tag", name="auslibchat")


def remote_asks_to_follow_pat(w):
    """A profile on another server has asked to follow Pat (Pat approves followers)."""
    from accounts.models import Profile
    from federation.models import FollowRequest

    remote, _ = Profile.objects.get_or_create(
        handle="pat@chat-b.test",
        defaults={
            "domain": "chat-b.test",
            "uri": "https://chat-b.test/users/pat",
            "inbox_url": "https://chat-b.test/users/pat/inbox",
        },
    )
    FollowRequest.objects.create(
        follower=remote, followee=w.pat.profile, activity_id="https://chat-b.test/follows/1"
    )


def a_domain_is_blocked(w):
    from federation.models import DomainBlock

    DomainBlock.objects.create(domain="spam.example", reason="spam")


def an_archive_is_built(w):
    """The world's archive has gathered its chat: the live event, with Pat's post."""
    from gathering.models import Archive

    Archive.objects.filter(pk=w.world.params["archive_id"]).update(event=w.world.event)


def a_server_is_watched(w):
    from gathering.models import WatchedServer

    WatchedServer.objects.create(series=w.world.series, base_url="https://chat-b.test")


SERIES_FORM = {
    "organiser": "{ngac}",
    "hashtag": "auslibchat",
    "title": "changed",
    "description": "changed",
    "timezone": "Asia/Hong_Kong",
    # The form's recurrence choices (the first Tuesday of each month).
    "repeat": "monthly",
    "week_of_month": "1",
    "weekday": "TU",
    "start_time": "19:00",
    "start_date": "2027-01-01",
    "duration_minutes": "60",
    "tail_hours": "72",
    "is_public": "on",
}
NEW_SERIES = {
    "hashtag": "ngacextra",
    "title": "Extra",
    "organiser": "NGAC",
    "timezone": "UTC",
    "rrule": "FREQ=WEEKLY",
    "start_time": "10:00",
}
EVENT = "/chats/auslibchat/events/{next_event}"
ROOM = "/chats/auslibchat/events/{event}/room"
ARCHIVE = "/chats/auslibchat/archives/{archive}"
ARCHIVE_FORM = {
    "topic": "Held on other servers",
    "starts_at": "2027-01-05 11:00",
    "ends_at": "2027-01-05 12:00",
    "timezone": "UTC",
    "host_acct": "pat@chat-b.test",
    "servers": "chat-b.test",
}
POST = "/api/v1/statuses/{pat_post}"
ACCOUNT = "/api/v1/accounts/{olly_profile}"
OOB = "urn:ietf:wg:oauth:2.0:oob"

API: dict[str, list[Write] | Public] = {
    "api/v1/markers": [
        Write("post", "/api/v1/markers", "self", {"home[last_read_id]": "1"}, "write:statuses")
    ],
    "api/v1/statuses": [
        Write("post", "/api/v1/statuses", "self", {"status": "new #auslibchat"}, "write:statuses")
    ],
    "api/v1/statuses/<str:post_id>": [
        Write("put", POST, "pat", {"status": "changed"}, "write:statuses"),
        Write("delete", POST, "pat", {}, "write:statuses"),
    ],
    "api/v1/statuses/<str:post_id>/favourite": [
        Write("post", POST + "/favourite", "self", scope="write:favourites")
    ],
    "api/v1/statuses/<str:post_id>/unfavourite": [
        Write("post", POST + "/unfavourite", "self", scope="write:favourites", setup=pat_likes)
    ],
    "api/v1/statuses/<str:post_id>/reblog": [
        Write("post", POST + "/reblog", "self", scope="write:statuses")
    ],
    "api/v1/statuses/<str:post_id>/unreblog": [
        Write("post", POST + "/unreblog", "self", scope="write:statuses", setup=pat_reposts)
    ],
    "api/v1/statuses/<str:post_id>/bookmark": [
        Write("post", POST + "/bookmark", "self", scope="write:bookmarks")
    ],
    "api/v1/statuses/<str:post_id>/unbookmark": [
        Write("post", POST + "/unbookmark", "self", scope="write:bookmarks", setup=pat_bookmarks)
    ],
    "api/v1/apps": Public("any client registers itself (Mastodon's POST /api/v1/apps)"),
    "api/v1/accounts/update_credentials": [
        Write(m, "/api/v1/accounts/update_credentials", "self", {"note": "new"}, "write:accounts")
        for m in ("patch", "put", "post")
    ],
    "api/v1/accounts/<str:profile_id>/follow": [
        Write("post", ACCOUNT + "/follow", "self", scope="write:follows")
    ],
    "api/v1/accounts/<str:profile_id>/unfollow": [
        Write("post", ACCOUNT + "/unfollow", "self", scope="write:follows", setup=pat_follows_olly)
    ],
    "api/v1/accounts/<str:profile_id>/block": [
        Write("post", ACCOUNT + "/block", "self", scope="write:blocks")
    ],
    "api/v1/accounts/<str:profile_id>/unblock": [
        Write("post", ACCOUNT + "/unblock", "self", scope="write:blocks", setup=pat_blocks_olly)
    ],
    "api/v1/accounts/<str:profile_id>/mute": [
        Write("post", ACCOUNT + "/mute", "self", scope="write:mutes")
    ],
    "api/v1/accounts/<str:profile_id>/unmute": [
        Write("post", ACCOUNT + "/unmute", "self", scope="write:mutes", setup=pat_mutes_olly)
    ],
    "api/v1/reports": [
        Write(
            "post",
            "/api/v1/reports",
            "self",
            {"account_id": "{olly_profile}", "comment": "spam"},
            "write:reports",
        )
    ],
    "api/v1/notifications/clear": [
        Write("post", "/api/v1/notifications/clear", "self", scope="write:notifications")
    ],
    "api/v1/notifications/<str:notification_id>/dismiss": [
        Write(
            "post",
            "/api/v1/notifications/{notification}/dismiss",
            "pat",
            scope="write:notifications",
        )
    ],
    "api/v1/tags/<str:name>/follow": [
        Write("post", "/api/v1/tags/auslibchat/follow", "self", scope="write:follows")
    ],
    "api/v1/tags/<str:name>/unfollow": [
        Write(
            "post",
            "/api/v1/tags/auslibchat/unfollow",
            "self",
            scope="write:follows",
            setup=pat_follows_tag,
        )
    ],
    # Federation's Mastodon routes (federation/api_urls.py): a follow request from
    # another server is answered by the profile asked; domain blocks by a site admin.
    "api/v1/follow_requests/<str:account_id>/authorize": [
        Write(
            "post",
            "/api/v1/follow_requests/{follower}/authorize",
            "pat",
            scope="write:follows",
            setup=remote_asks_to_follow_pat,
        )
    ],
    "api/v1/follow_requests/<str:account_id>/reject": [
        Write(
            "post",
            "/api/v1/follow_requests/{follower}/reject",
            "pat",
            scope="write:follows",
            setup=remote_asks_to_follow_pat,
        )
    ],
    "api/v1/admin/domain_blocks": [
        Write(
            "post",
            "/api/v1/admin/domain_blocks",
            "ada",
            {"domain": "spam.example", "private_comment": "spam"},
            "admin:write:domain_blocks",
        )
    ],
    "api/v1/admin/domain_blocks/<str:block_id>": [
        Write(
            "delete",
            "/api/v1/admin/domain_blocks/{block}",
            "ada",
            scope="admin:write:domain_blocks",
            setup=a_domain_is_blocked,
        )
    ],
    # The own API (/api/hashchat/v1/): tokens need write:chats and act as one profile.
    "api/hashchat/v1/series": [
        Write("post", "/api/hashchat/v1/series", "hana", NEW_SERIES, "write:chats", json=True)
    ],
    "api/hashchat/v1/series/<hashtag>": [
        Write(
            "patch",
            "/api/hashchat/v1/series/auslibchat",
            "hana",
            {"title": "changed"},
            "write:chats",
            json=True,
        )
    ],
    "api/hashchat/v1/series/<hashtag>/events": [
        Write(
            "post",
            "/api/hashchat/v1/series/auslibchat/events",
            "hana",
            {"topic": "Extra", "starts_at": "2027-05-01T10:00:00+00:00"},
            "write:chats",
            json=True,
        )
    ],
    # Gathering's own-API route (gathering/api.py): a token of a profile hosting the series.
    "api/hashchat/v1/series/<hashtag>/archives": [
        Write(
            "post",
            "/api/hashchat/v1/series/auslibchat/archives",
            "hana",
            {
                "starts_at": "2027-01-05T11:00:00+00:00",
                "ends_at": "2027-01-05T12:00:00+00:00",
                "host_acct": "pat@chat-b.test",
                "servers": ["chat-b.test"],
            },
            "write:chats",
            json=True,
        )
    ],
    "api/hashchat/v1/events/<event_id>": [
        Write(
            "patch",
            "/api/hashchat/v1/events/{next_event}",
            "hana",
            {"topic": "changed"},
            "write:chats",
            json=True,
        )
    ],
}

# Routes outside the API table that are not pages of the site either.
OAUTH: dict[str, list[Write] | Public | str] = {
    "oauth/authorize": [
        # The consent form: the profile field must name a profile of the login.
        Write(
            "post",
            "/oauth/authorize",
            "pat",
            {
                "client_id": "{client_id}",
                "redirect_uri": OOB,
                "response_type": "code",
                "scope": "read",
                "step": "consent",
                "decision": "allow",
                "profile": "{pat_profile}",
            },
        )
    ],
    "oauth/token": Public("the token exchange is authenticated by the client and the code"),
    "oauth/revoke": Public("revocation is authenticated by the client and the token itself"),
    ".well-known/oauth-authorization-server": READ,
    ".well-known/nodeinfo": READ,
    "nodeinfo/2.0": READ,
    "nodeinfo/2.0.json": READ,
}
