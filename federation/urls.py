from django.urls import path, re_path

from federation import follow_pages, inbox, search, views

urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/host-meta", views.host_meta),
    path("actor", views.instance_actor, name="instance-actor"),
    path("search/", search.search_page, name="search"),
    path("search/look-up/", search.look_up, name="search-look-up"),
    path("settings/follow-requests/", follow_pages.follow_requests_page, name="follow-requests"),
    path(
        "settings/follow-requests/<id:follower_id>/accept/",
        follow_pages.accept,
        name="follow-request-accept",
    ),
    path(
        "settings/follow-requests/<id:follower_id>/reject/",
        follow_pages.reject,
        name="follow-request-reject",
    ),
    path("inbox", inbox.shared_inbox, name="shared-inbox"),
    re_path(r"^@(?P<handle>[A-Za-z0-9_]{1,30})/?$", views.profile_or_actor),
    re_path(r"^@(?P<handle>[^/]+)/(?P<post_id>[0-9]{1,19})/?$", views.post_or_note),
    path("@<str:handle>/inbox", inbox.profile_inbox, name="profile-inbox"),
    path("@<str:handle>/outbox", views.outbox, name="outbox"),
    path("@<str:handle>/followers", views.followers, name="followers"),
    path("@<str:handle>/following", views.following, name="following"),
    path("@<str:handle>/featured", views.featured, name="featured"),
]
