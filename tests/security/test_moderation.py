"""Moderation end to end: a report reaches the moderators, a post hidden by a host
leaves the room, the timelines and the transcript, and a suspended profile can no
longer post or be seen."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from accounts import actions as account_actions
from chats.actions.moderation import hide_post
from core.errors import NotAllowed
from mastodon_api import actions as oauth
from mastodon_api.models import Report
from posts import actions as post_actions
from tests.mastodon_api.conftest import make_token
from tests.security.conftest import NOW


@pytest.fixture
def app(db):
    return oauth.register_app(
        name="t", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read write"
    )


def test_a_report_of_a_post_reaches_the_moderators(world, app, pat, olly):
    token = make_token(app, pat, scopes="read write")
    response = Client().post(
        "/api/v1/reports",
        json.dumps(
            {
                "account_id": str(olly.profile.id),
                "status_ids": [str(world.olly_post.id)],
                "comment": "off-topic",
            }
        ),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.content
    report = Report.objects.latest("id")
    assert (report.reporter, report.target) == (pat.profile, olly.profile)
    assert list(report.posts.all()) == [world.olly_post]


def test_a_hidden_post_leaves_the_room_the_timelines_and_the_transcript(world, hana, ngac):
    marker = "queues"  # Olly's answer: "A1 queues #auslibchat"
    urls = [
        f"/chats/auslibchat/events/{world.event.id}/room/posts.json",
        "/api/v1/timelines/tag/auslibchat",
        "/tags/auslibchat/",
        f"/chats/auslibchat/events/{world.event.id}/transcript/export.json",
        f"/chats/auslibchat/events/{world.event.id}/transcript/export.md",
    ]
    later = world.event.ends_at + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        before = {url: Client().get(url).content.decode() for url in urls}
        assert all(marker in body for body in before.values()), [
            u for u, b in before.items() if marker not in b
        ]
        hide_post(user=hana.user, profile=ngac, event=world.event, post=world.olly_post)
        for url in urls:
            assert marker not in Client().get(url).content.decode(), url


def test_a_suspended_profile_can_no_longer_post_or_be_seen(world, app, hana, olly):
    hana.user.is_staff = True
    hana.user.save(update_fields=["is_staff"])
    token = make_token(app, olly, scopes="read write")
    with time_machine.travel(NOW, tick=False):
        account_actions.suspend(admin=hana.user, profile=olly.profile)
        with pytest.raises(NotAllowed):
            post_actions.create_post(user=olly.user, profile=olly.profile, text="still here?")
    response = Client().post(
        "/api/v1/statuses", {"status": "still here?"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code in (401, 403)
    assert Client().get("/@olly/").status_code == 404


def test_only_a_site_admin_can_suspend(world, pat, olly):
    with pytest.raises(NotAllowed):
        account_actions.suspend(admin=pat.user, profile=olly.profile)
    olly.profile.refresh_from_db()
    assert not olly.profile.is_suspended
