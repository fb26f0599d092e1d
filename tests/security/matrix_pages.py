"""The matrix's entries for the pages of the site (see matrix_table.py for what an
entry says and tests/security/test_matrix.py for how each is tried)."""

from tests.security.matrix_table import (
    ARCHIVE,
    ARCHIVE_FORM,
    EVENT,
    READ,
    ROOM,
    SERIES_FORM,
    Public,
    Write,
    a_server_is_watched,
    an_archive_is_built,
    pat_follows_olly,
    pat_follows_tag,
    pat_likes,
    pat_reposts,
    remote_asks_to_follow_pat,
)

PAGES: dict[str, list[Write] | Public | str] = {
    "signup/": Public("anyone may sign up (limited per address, docs/security.md)"),
    "login/": Public("logging in (lockout and limits in docs/security.md)"),
    "logout/": READ,
    "profiles/switch/": READ,  # the session's active profile only
    "settings/": [Write("post", "/settings/", "self", {"display_name": "New", "timezone": "UTC"})],
    "settings/password/": [
        Write(
            "post",
            "/settings/password/",
            "self",
            {"old_password": "pat-secret-pw", "new_password": "a-new-long-password-9"},
            login_level="the password is the login's: suspension stops its profiles acting",
        )
    ],
    "settings/members/": [
        Write("post", "/settings/members/", "jo", {"op": "remove", "member": "pat"})
    ],
    # Follow requests from other servers (federation/follow_pages.py): answered by the
    # profile asked, as the API's follow_requests routes are.
    "settings/follow-requests/": [
        Write("post", "/settings/follow-requests/", "self", {"approve": "on"})
    ],
    "settings/follow-requests/<id:follower_id>/accept/": [
        Write(
            "post",
            "/settings/follow-requests/{follower}/accept/",
            "pat",
            setup=remote_asks_to_follow_pat,
        )
    ],
    "settings/follow-requests/<id:follower_id>/reject/": [
        Write(
            "post",
            "/settings/follow-requests/{follower}/reject/",
            "pat",
            setup=remote_asks_to_follow_pat,
        )
    ],
    "profiles/new/": [
        Write("post", "/profiles/new/", "self", {"handle": "neworg", "timezone": "UTC"})
    ],
    "@<str:handle>/": READ,
    "@<str:handle>/<id:post_id>": READ,  # a post's page under its author's handle
    "@<str:handle>/follow/": [Write("post", "/@olly/follow/", "self")],
    "@<str:handle>/unfollow/": [Write("post", "/@olly/unfollow/", "self", setup=pat_follows_olly)],
    "avatars/<str:handle>.svg": READ,
    "": READ,
    "metrics": READ,  # Prometheus figures: allowed addresses or a token (tests/core/test_observability.py)
    "posts/new/": [
        Write("post", "/posts/new/", "pat", {"text": "as pat", "profile": "{pat_profile}"}),
        Write("post", "/posts/new/", "pat", {"text": "as the library", "profile": "{org}"}),
    ],
    "posts/<id:post_id>/": READ,
    "posts/<id:post_id>/edit/": [Write("post", "/posts/{pat_post}/edit/", "pat", {"text": "x"})],
    "posts/<id:post_id>/delete/": [Write("post", "/posts/{pat_post}/delete/", "pat")],
    "posts/<id:post_id>/like/": [Write("post", "/posts/{pat_post}/like/", "self")],
    "posts/<id:post_id>/unlike/": [
        Write("post", "/posts/{pat_post}/unlike/", "self", setup=pat_likes)
    ],
    "posts/<id:post_id>/repost/": [Write("post", "/posts/{pat_post}/repost/", "self")],
    "posts/<id:post_id>/unrepost/": [
        Write("post", "/posts/{pat_post}/unrepost/", "self", setup=pat_reposts)
    ],
    "tags/<str:name>/": READ,
    "tags/<str:name>/follow/": [Write("post", "/tags/auslibchat/follow/", "self")],
    "tags/<str:name>/unfollow/": [
        Write("post", "/tags/auslibchat/unfollow/", "self", setup=pat_follows_tag)
    ],
    "notifications/": READ,
    "notifications/clear/": [Write("post", "/notifications/clear/", "self")],
    "notifications/read/": [Write("post", "/notifications/read/", "self")],
    "notifications/<id:notification_id>/dismiss/": [
        Write("post", "/notifications/{notification}/dismiss/", "pat")
    ],
    "chats/": READ,
    "host/": READ,  # sends a visitor to sign up, a login to chats/new/
    "how-to-take-part/": READ,
    "chats/recurrence-preview/": READ,  # GET only: the next dates of the form's choices
    "chats/new/": [
        Write("post", "/chats/new/", "hana", {**SERIES_FORM, "hashtag": "ngacextra"}),
    ],
    "chats/<str:hashtag>/": READ,
    "chats/<str:hashtag>/edit/": [Write("post", "/chats/auslibchat/edit/", "hana", SERIES_FORM)],
    "chats/<str:hashtag>/calendar.ics": READ,
    # The chat account (chats/views/follow.py): its options are the organiser's (as
    # for editing the series); the follow form only sends the browser to its own
    # server's follow page and stores nothing.
    "chats/<str:hashtag>/account/": [
        Write("post", "/chats/auslibchat/account/", "hana", {"boost_outside_events": "on"})
    ],
    "chats/<str:hashtag>/follow/": READ,
    # Gathering (gathering/views.py): archives of chats held elsewhere and the servers
    # watched during a chat, for the series' hosts only.
    "chats/<str:hashtag>/archives/new/": [
        Write("post", "/chats/auslibchat/archives/new/", "hana", ARCHIVE_FORM)
    ],
    "chats/<str:hashtag>/archives/<id:archive_id>/": READ,  # progress, the posts found
    "chats/<str:hashtag>/archives/<id:archive_id>/questions/": [
        Write(
            "post",
            ARCHIVE + "/questions/",
            "hana",
            {"post": "{pat_post}", "number": "9"},
            setup=an_archive_is_built,
        )
    ],
    "chats/<str:hashtag>/watched/": [
        Write(
            "post",
            "/chats/auslibchat/watched/",
            "hana",
            {"server": "chat-b.test", "event": "{event}"},
        )
    ],
    "chats/<str:hashtag>/watched/<id:watched_id>/delete/": [
        Write(
            "post",
            "/chats/auslibchat/watched/{watched}/delete/",
            "hana",
            {"event": "{event}"},
            setup=a_server_is_watched,
        )
    ],
    "chats/<str:hashtag>/occurrences/": [
        Write(
            "post",
            "/chats/auslibchat/occurrences/",
            "hana",
            {"original": "2027-04-06T11:00:00+00:00", "action": "skip"},
        )
    ],
    "chats/<str:hashtag>/events/new/": [
        Write(
            "post",
            "/chats/auslibchat/events/new/",
            "hana",
            {"occurrence": "2027-04-06T11:00:00+00:00", "topic": "Extra"},
        )
    ],
    "chats/<str:hashtag>/events/<id:event_id>/": READ,
    # The event and its questions are one form (q-<n>-kind, -text, -offset, -id).
    "chats/<str:hashtag>/events/<id:event_id>/edit/": [
        Write(
            "post",
            EVENT + "/edit/",
            "hana",
            {
                "topic": "x",
                "starts_at": "2027-03-02 19:00",
                "q-total": "1",
                "q-0-kind": "question",
                "q-0-text": "changed?",
                "q-0-offset": "40",
                "q-0-id": "{next_question}",
                "q-0-slot": "1",
            },
        )
    ],
    "chats/<str:hashtag>/events/<id:event_id>/event.ics": READ,
    "chats/<str:hashtag>/events/<id:event_id>/delete/": [Write("post", EVENT + "/delete/", "hana")],
    "chats/<str:hashtag>/events/<id:event_id>/log/": READ,
    "chats/<str:hashtag>/events/<id:event_id>/rsvp/": [
        Write("post", EVENT + "/rsvp/", "self", {"remind_minutes": "60"})
    ],
    "chats/<str:hashtag>/events/<id:event_id>/posts/<id:post_id>/hide/": [
        Write(
            "post",
            "/chats/auslibchat/events/{event}/posts/{pat_post}/hide/",
            "hana",
            {"as": "{ngac}"},
        )
    ],
    "chats/<str:hashtag>/events/<id:event_id>/room/": READ,
    "chats/<str:hashtag>/events/<id:event_id>/room/post": [
        Write("post", ROOM + "/post", "pat", {"text": "A1 yes", "profile": "{pat_profile}"}),
    ],
    "chats/<str:hashtag>/events/<id:event_id>/room/posts.json": READ,
    "chats/<str:hashtag>/events/<id:event_id>/room/state.json": READ,
    "chats/<str:hashtag>/events/<id:event_id>/room/posts/<id:post_id>/<str:verb>": [
        Write("post", ROOM + "/posts/{pat_post}/like", "self", label="like"),
        Write("post", ROOM + "/posts/{pat_post}/hide", "hana", label="hide"),
    ],
    "chats/<str:hashtag>/events/<id:event_id>/transcript/": READ,
    "chats/<str:hashtag>/events/<id:event_id>/transcript/activity.svg": READ,
    "chats/<str:hashtag>/events/<id:event_id>/transcript/export.<str:fmt>": READ,
    "chats/<str:hashtag>/events/<id:event_id>/transcript/curate/": [
        Write(
            "post",
            "/chats/auslibchat/events/{event}/transcript/curate/",
            "hana",
            {"action": "introduction", "introduction": "changed"},
        )
    ],
    "chats/<str:hashtag>/transcripts.atom": READ,
    "transcripts.atom": READ,
    "moderation/": READ,
    "moderation/reports/<id:report_id>/close/": [
        Write(
            "post",
            "/moderation/reports/{report}/close/",
            "ada",
            {"outcome": "dismiss", "reason": "fine"},
        )
    ],
    "moderation/profiles/": [
        Write(
            "post",
            "/moderation/profiles/",
            "ada",
            {"handle": "olly", "action": "suspend", "reason": "spam"},
        )
    ],
    "moderation/log/": READ,
    "search/": READ,
    "search/look-up/": Public(
        "any logged-in profile may look up @user@domain: it stores only what the other"
        " server publishes (a remote profile or post), nothing of the caller's"
        " (tests/federation/test_search_page.py; anonymous callers go to /login/)"
    ),
    # ActivityPub (federation/urls.py): servers POST to the inboxes, authenticated
    # by HTTP Signatures, never by a login; the rest is read by other servers.
    "inbox": Public(
        "activities from other servers, refused with 401 unless their HTTP Signature"
        " verifies (tests/federation/test_inbox.py)"
    ),
    "@<str:handle>/inbox": Public(
        "activities from other servers, refused with 401 unless their HTTP Signature"
        " verifies (tests/federation/test_inbox.py)"
    ),
    ".well-known/webfinger": READ,
    ".well-known/host-meta": READ,
    "actor": READ,
    "@<str:handle>/outbox": READ,
    "@<str:handle>/followers": READ,
    "@<str:handle>/following": READ,
    "@<str:handle>/featured": READ,
    # The actor and note as JSON-LD for Accept: application/activity+json, else the
    # profile and post pages above.
    "^@(?P<handle>[A-Za-z0-9_]{1,30})/?$": READ,
    "^@(?P<handle>[^/]+)/(?P<post_id>[0-9]{1,19})/?$": READ,
}
