from django.urls import path

from posts.views import feed, notifications, post, profiles, reactions

urlpatterns = [
    path("", feed.home, name="home"),
    path("posts/new/", post.create, name="compose"),
    path("posts/<id:post_id>/", post.post_page, name="post"),
    # The Mastodon API's uri/url of a status (no trailing slash there, so both answer).
    path("@<str:handle>/<id:post_id>/", post.post_page_by_handle, name="post-by-handle"),
    path("@<str:handle>/<id:post_id>", post.post_page_by_handle),
    path("posts/<id:post_id>/edit/", post.edit, name="edit-post"),
    path("posts/<id:post_id>/delete/", post.delete, name="delete-post"),
    path("posts/<id:post_id>/like/", reactions.like, name="like"),
    path("posts/<id:post_id>/unlike/", reactions.unlike, name="unlike"),
    path("posts/<id:post_id>/repost/", reactions.repost, name="repost"),
    path("posts/<id:post_id>/unrepost/", reactions.unrepost, name="unrepost"),
    path("@<str:handle>/", profiles.profile_page, name="profile"),
    path("tags/<str:name>/", feed.tag_page, name="tag"),
    path("tags/<str:name>/follow/", feed.follow_tag, name="follow-tag"),
    path("tags/<str:name>/unfollow/", feed.unfollow_tag, name="unfollow-tag"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/read/", notifications.mark_read, name="mark-notifications-read"),
    path("notifications/clear/", notifications.clear, name="clear-notifications"),
    path(
        "notifications/<id:notification_id>/dismiss/",
        notifications.dismiss,
        name="dismiss-notification",
    ),
]
