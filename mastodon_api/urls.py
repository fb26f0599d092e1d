"""The Mastodon client API and OAuth: timelines and statuses first (the busiest),
then the rest in the order of Mastodon's documentation. Included at the site root;
every path also answers with a trailing slash. docs/mastodon-api.md lists each
endpoint with its support level.

Django tries patterns one by one, so the larger families sit behind a prefix test
(core.routing's `under`): a notifications page went past some 120 patterns before it was found."""

from django.urls import path, re_path

from core.routing import under
from mastodon_api.http import error, route
from mastodon_api.views import (
    accounts,
    apps_oauth,
    authorize,
    instance,
    misc,
    notifications,
    search,
    statuses,
    tags,
    timelines,
)


def not_found(request, rest=""):
    return error("Record not found", 404)


urlpatterns = [
    # Django tries the patterns in order: the requests every app repeats during a
    # chat (the hashtag timeline, posting, statuses, notifications) come first.
    # Timelines
    under(
        "api/v1/timelines/",
        [
            *route("api/v1/timelines/public", get=timelines.public),
            *route("api/v1/timelines/tag/<str:hashtag>", get=timelines.tag),
            *route("api/v1/timelines/home", get=timelines.home),
        ],
    ),
    *route("api/v1/conversations", get=misc.empty_list),
    *route("api/v1/markers", get=misc.get_markers, post=misc.save_markers),
    # Statuses
    under(
        "api/v1/statuses",
        [
            *route("api/v1/statuses", post=statuses.create_status),
            *route(
                "api/v1/statuses/<str:post_id>",
                get=statuses.get_status,
                put=statuses.edit_status,
                delete=statuses.delete_status,
            ),
            *route("api/v1/statuses/<str:post_id>/context", get=statuses.status_context),
            *route("api/v1/statuses/<str:post_id>/reblogged_by", get=statuses.reblogged_by),
            *route("api/v1/statuses/<str:post_id>/favourited_by", get=statuses.favourited_by),
            *route("api/v1/statuses/<str:post_id>/favourite", post=statuses.favourite),
            *route("api/v1/statuses/<str:post_id>/unfavourite", post=statuses.unfavourite),
            *route("api/v1/statuses/<str:post_id>/reblog", post=statuses.reblog),
            *route("api/v1/statuses/<str:post_id>/unreblog", post=statuses.unreblog),
            *route("api/v1/statuses/<str:post_id>/bookmark", post=statuses.bookmark),
            *route("api/v1/statuses/<str:post_id>/unbookmark", post=statuses.unbookmark),
            *route("api/v1/statuses/<str:post_id>/history", get=statuses.status_history),
            *route("api/v1/statuses/<str:post_id>/source", get=statuses.status_source),
        ],
    ),
    # Notifications
    under(
        "api/v1/notifications",
        [
            *route("api/v1/notifications", get=notifications.notifications),
            *route("api/v1/notifications/clear", post=notifications.clear),
            *route("api/v1/notifications/unread_count", get=notifications.unread_count),
            *route("api/v1/notifications/<str:notification_id>", get=notifications.notification),
            *route(
                "api/v1/notifications/<str:notification_id>/dismiss", post=notifications.dismiss
            ),
        ],
    ),
    *route("api/v1/scheduled_statuses", get=misc.empty_list),
    # OAuth and apps
    *route("api/v1/apps", post=apps_oauth.create_app),
    *route("api/v1/apps/verify_credentials", get=apps_oauth.verify_app),
    path("oauth/authorize", authorize.authorize, name="oauth-authorize"),
    path("oauth/authorize/", authorize.authorize),
    path("oauth/token", apps_oauth.token, name="oauth-token"),
    path("oauth/token/", apps_oauth.token),
    path("oauth/revoke", apps_oauth.revoke, name="oauth-revoke"),
    path("oauth/revoke/", apps_oauth.revoke),
    path(".well-known/oauth-authorization-server", apps_oauth.server_metadata),
    # Instance
    under(
        "api/v1/instance",
        [
            *route("api/v1/instance", get=instance.instance_v1),
            *route("api/v1/instance/peers", get=instance.peers),
            *route("api/v1/instance/activity", get=instance.activity),
            *route("api/v1/instance/rules", get=instance.rules),
        ],
    ),
    *route("api/v2/instance", get=instance.instance_v2),
    path(".well-known/nodeinfo", instance.nodeinfo_index),
    path("nodeinfo/2.0", instance.nodeinfo),
    path("nodeinfo/2.0.json", instance.nodeinfo),
    *route("api/v1/custom_emojis", get=misc.empty_list),
    *route("api/v1/announcements", get=misc.empty_list),
    # Accounts
    under(
        "api/v1/accounts/",
        [
            *route("api/v1/accounts/verify_credentials", get=accounts.verify_credentials),
            *route(
                "api/v1/accounts/update_credentials",
                patch=accounts.update_credentials,
                put=accounts.update_credentials,
                post=accounts.update_credentials,
            ),
            *route("api/v1/accounts/relationships", get=accounts.relationships),
            *route("api/v1/accounts/search", get=accounts.search),
            *route("api/v1/accounts/lookup", get=accounts.lookup),
            *route("api/v1/accounts/<str:profile_id>", get=accounts.get_account),
            *route("api/v1/accounts/<str:profile_id>/statuses", get=accounts.account_statuses),
            *route("api/v1/accounts/<str:profile_id>/followers", get=accounts.followers),
            *route("api/v1/accounts/<str:profile_id>/following", get=accounts.following),
            *route("api/v1/accounts/<str:profile_id>/featured_tags", get=misc.empty_list),
            *route("api/v1/accounts/<str:profile_id>/lists", get=misc.empty_list),
            *route("api/v1/accounts/<str:profile_id>/follow", post=accounts.follow),
            *route("api/v1/accounts/<str:profile_id>/unfollow", post=accounts.unfollow),
            *route("api/v1/accounts/<str:profile_id>/block", post=accounts.block),
            *route("api/v1/accounts/<str:profile_id>/unblock", post=accounts.unblock),
            *route("api/v1/accounts/<str:profile_id>/mute", post=accounts.mute),
            *route("api/v1/accounts/<str:profile_id>/unmute", post=accounts.unmute),
        ],
    ),
    *route("api/v1/blocks", get=accounts.blocks),
    *route("api/v1/mutes", get=accounts.mutes),
    *route("api/v1/bookmarks", get=misc.bookmarks),
    *route("api/v1/favourites", get=misc.favourites),
    *route("api/v1/followed_tags", get=tags.followed_tags),
    *route("api/v1/featured_tags", get=misc.empty_list),
    *route("api/v1/preferences", get=accounts.preferences),
    *route("api/v1/reports", post=misc.create_report),
    *route("api/v1/lists", get=misc.empty_list),
    *route("api/v1/filters", get=misc.empty_list),
    *route("api/v2/filters", get=misc.empty_list),
    *route("api/v2/suggestions", get=misc.empty_list),
    # Search and tags
    *route("api/v2/search", get=search.search),
    under(
        "api/v1/tags/",
        [
            *route("api/v1/tags/<str:name>", get=tags.get_tag),
            *route("api/v1/tags/<str:name>/follow", post=tags.follow_tag),
            *route("api/v1/tags/<str:name>/unfollow", post=tags.unfollow_tag),
        ],
    ),
    # Anything else under the API answers in JSON (streaming is served outside Django).
    re_path(r"^api/v[12]/(?!streaming)(?P<rest>.*)$", not_found),
]
