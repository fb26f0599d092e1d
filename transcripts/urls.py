"""Transcript pages, exports and feeds (included at the site root)."""

from django.urls import path

from transcripts import feeds, views

PAGE = "chats/<str:hashtag>/events/<id:event_id>/transcript/"

urlpatterns = [
    path(PAGE, views.transcript_page, name="transcript"),
    path(PAGE + "activity.svg", views.transcript_chart, name="transcript-chart"),
    path(PAGE + "export.<str:fmt>", views.transcript_export, name="transcript-export"),
    path(PAGE + "curate/", views.transcript_curate, name="transcript-curate"),
    path("chats/<str:hashtag>/transcripts.atom", feeds.series_feed, name="transcripts-series-feed"),
    path("transcripts.atom", feeds.site_feed, name="transcripts-feed"),
]
