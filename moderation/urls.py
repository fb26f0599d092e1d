from django.urls import path

from moderation import views

urlpatterns = [
    path("moderation/", views.reports, name="moderation-reports"),
    path(
        "moderation/reports/<id:report_id>/close/",
        views.close_report,
        name="moderation-close-report",
    ),
    path("moderation/profiles/", views.profiles, name="moderation-profiles"),
    path("moderation/log/", views.audit_log, name="moderation-log"),
]
