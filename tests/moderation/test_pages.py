"""The site admins' moderation pages: reports resolved or dismissed with a reason,
profiles suspended and restored, every action in the audit log; nobody else gets in."""

import pytest
from django.test import Client

from accounts.models import ModerationLog, Profile
from mastodon_api.models import Report

PAGES = ["/moderation/", "/moderation/profiles/", "/moderation/log/"]


def login(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.mark.parametrize("path", PAGES)
def test_only_site_admins_get_in(path, ada, pat):
    assert login(ada).get(path).status_code == 200
    assert login(pat).get(path).status_code == 403
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_header_links_to_moderation_for_admins_only(ada, pat):
    assert 'href="/moderation/"' in login(ada).get("/settings/").content.decode()
    assert 'href="/moderation/"' not in login(pat).get("/settings/").content.decode()


def test_an_admin_sees_the_open_report_with_its_posts(ada, report):
    page = login(ada).get("/moderation/").content.decode()
    assert f"Report {report.id}" in page
    assert "spam again" in page and "buy cheap watches" in page
    assert f'action="/moderation/reports/{report.id}/close/"' in page


def test_resolving_a_report_closes_it_and_logs_who_what_and_why(ada, report, olly):
    response = login(ada).post(
        f"/moderation/reports/{report.id}/close/",
        {"outcome": "resolve", "reason": "Spam: suspended the account"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resolved_at is not None and report.resolved_by == ada.user
    entry = ModerationLog.objects.get()
    assert (entry.moderator, entry.action, entry.target, entry.report_id) == (
        ada.user,
        "resolve",
        olly.profile,
        report.id,
    )
    assert entry.reason == "Spam: suspended the account"
    assert f"Report {report.id}:" not in login(ada).get("/moderation/").content.decode()


def test_dismissing_needs_a_reason_shown_next_to_the_field(ada, report):
    response = login(ada).post(f"/moderation/reports/{report.id}/close/", {"outcome": "dismiss"})
    assert response.status_code == 422
    page = response.content.decode()
    assert f'id="reason-{report.id}-error"' in page and "Say why" in page
    report.refresh_from_db()
    assert report.resolved_at is None
    assert not ModerationLog.objects.exists()
    response = login(ada).post(
        f"/moderation/reports/{report.id}/close/", {"outcome": "dismiss", "reason": "Not spam"}
    )
    assert response.status_code == 302
    assert ModerationLog.objects.get().action == "dismiss"


def test_a_report_is_closed_once(ada, report):
    client = login(ada)
    url = f"/moderation/reports/{report.id}/close/"
    client.post(url, {"outcome": "resolve", "reason": "done"})
    response = client.post(url, {"outcome": "dismiss", "reason": "again"}, follow=True)
    assert "already closed" in response.content.decode()
    assert ModerationLog.objects.count() == 1


def test_suspending_and_restoring_a_profile_from_the_page(ada, olly):
    client = login(ada)
    response = client.post(
        "/moderation/profiles/", {"handle": "olly", "action": "suspend", "reason": "spam"}
    )
    assert response.status_code == 302
    assert Profile.objects.get(pk=olly.profile.pk).is_suspended
    assert "@olly" in client.get("/moderation/profiles/").content.decode()
    assert Client().get("/@olly/").status_code == 404

    again = client.post(
        "/moderation/profiles/", {"handle": "olly", "action": "suspend", "reason": "twice"}
    )
    assert again.status_code == 422 and "already suspended" in again.content.decode()

    client.post("/moderation/profiles/", {"handle": "olly", "action": "restore", "reason": "ok"})
    assert not Profile.objects.get(pk=olly.profile.pk).is_suspended
    assert [e.action for e in ModerationLog.objects.order_by("id")] == ["suspend", "unsuspend"]
    log = client.get("/moderation/log/?handle=olly").content.decode()
    assert "suspended a profile" in log and "lifted a suspension" in log and "spam" in log


def test_an_unknown_handle_is_an_error_on_its_field(ada):
    response = login(ada).post(
        "/moderation/profiles/", {"handle": "nobody", "action": "suspend", "reason": "x"}
    )
    assert response.status_code == 422
    assert 'id="id_handle_error"' in response.content.decode()
    assert not ModerationLog.objects.exists()


def test_a_non_admin_cannot_close_a_report_or_suspend(pat, report, olly):
    client = login(pat)
    response = client.post(
        f"/moderation/reports/{report.id}/close/", {"outcome": "resolve", "reason": "x"}
    )
    assert response.status_code == 403
    response = client.post(
        "/moderation/profiles/", {"handle": "olly", "action": "suspend", "reason": "x"}
    )
    assert response.status_code == 403
    assert Report.objects.get(pk=report.pk).resolved_at is None
    assert not Profile.objects.get(pk=olly.profile.pk).is_suspended
    assert not ModerationLog.objects.exists()


def test_the_django_admin_cannot_change_reports_around_the_log(ada, report):
    response = login(ada).post(
        f"/admin/mastodon_api/report/{report.id}/change/", {"comment": "x", "resolved_at_0": ""}
    )
    assert response.status_code == 403
    assert Report.objects.get(pk=report.pk).resolved_at is None
