"""Closing reports: a site admin resolves a report (it was acted on) or dismisses it
(nothing to do), with a reason, and the audit log (accounts.moderation) records it.
Reports are filed by mastodon_api.actions.file_report (POST /api/v1/reports)."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import ModerationLog, User
from accounts.moderation import check_site_admin, clean_reason, record
from core.errors import Conflict, InvalidInput
from mastodon_api.models import Report

OUTCOMES = {"resolve": ModerationLog.Action.RESOLVE, "dismiss": ModerationLog.Action.DISMISS}


def open_reports() -> QuerySet[Report]:
    """Reports no admin has closed yet, oldest first (the queue)."""
    return (
        Report.objects.filter(resolved_at__isnull=True)
        .select_related("reporter", "target")
        .prefetch_related("posts")
        .order_by("created_at", "id")
    )


def closed_reports() -> QuerySet[Report]:
    return (
        Report.objects.filter(resolved_at__isnull=False)
        .select_related("reporter", "target", "resolved_by")
        .order_by("-resolved_at", "-id")
    )


def close_report(*, admin: User, report: Report, outcome: str, reason: str = "") -> Report:
    """Resolve or dismiss `report` once; a second close (two admins at once) is a 409."""
    check_site_admin(admin)
    if outcome not in OUTCOMES:
        raise InvalidInput("Choose resolve or dismiss.", field="outcome")
    reason = clean_reason(reason)
    now = timezone.now()
    with transaction.atomic():
        claimed = Report.objects.filter(pk=report.pk, resolved_at__isnull=True).update(
            resolved_at=now, resolved_by=admin
        )
        if not claimed:
            raise Conflict("Another admin has already closed this report.")
        record(
            admin=admin,
            action=OUTCOMES[outcome],
            target=report.target,
            report_id=report.pk,
            reason=reason,
        )
    report.resolved_at, report.resolved_by = now, admin
    return report
