"""The moderation actions themselves: admins only, each logged once, in one
transaction with its change."""

import pytest

from accounts import actions as account_actions
from accounts.models import ModerationLog
from core.errors import Conflict, InvalidInput, NotAllowed
from mastodon_api import reports


def test_suspend_logs_who_what_and_why(ada, olly):
    account_actions.suspend(admin=ada.user, profile=olly.profile, reason="spam")
    entry = ModerationLog.objects.get()
    assert (entry.moderator_name, entry.action, entry.target_handle, entry.reason) == (
        "ada",
        "suspend",
        "olly",
        "spam",
    )


def test_a_second_suspension_is_a_conflict_and_logs_nothing(ada, olly):
    account_actions.suspend(admin=ada.user, profile=olly.profile, reason="spam")
    with pytest.raises(Conflict):
        account_actions.suspend(admin=ada.user, profile=olly.profile, reason="again")
    assert ModerationLog.objects.count() == 1


def test_a_too_long_reason_changes_nothing(ada, olly):
    with pytest.raises(InvalidInput):
        account_actions.suspend(admin=ada.user, profile=olly.profile, reason="x" * 1001)
    olly.profile.refresh_from_db()
    assert not olly.profile.is_suspended
    assert not ModerationLog.objects.exists()


def test_closing_a_report_is_for_admins_and_happens_once(ada, pat, report):
    with pytest.raises(NotAllowed):
        reports.close_report(admin=pat.user, report=report, outcome="resolve", reason="x")
    reports.close_report(admin=ada.user, report=report, outcome="dismiss", reason="fine")
    with pytest.raises(Conflict):
        reports.close_report(admin=ada.user, report=report, outcome="resolve", reason="x")
    assert list(ModerationLog.objects.values_list("action", "report_id")) == [
        ("dismiss", report.id)
    ]
    assert list(reports.open_reports()) == []
