"""The worker's deliveries: retried with exponential backoff for more than a day,
given up on permanent refusals, at most a few at a time per domain, claimed once."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts.models import Follow, Profile
from core import worker
from federation import delivery, keys
from federation.models import Delivery
from posts import actions as post_actions
from tests.federation.conftest import THERE
from tests.metrics import sample


def queue_one(profile, n: int = 1, inbox: str = f"{THERE}/inbox") -> Delivery:
    return Delivery.objects.create(
        inbox=inbox,
        domain=inbox.split("/")[2],
        activity_id=f"https://chat-a.test/@hana#test/{n}",
        body='{"type": "Like"}',
        key_name=keys.key_for(profile).name,
        next_attempt_at=timezone.now(),
    )


def test_a_failing_inbox_is_retried_with_backoff_then_given_up(chat_b, hana):
    chat_b.inbox_status = 503
    row = queue_one(hana.profile)
    waits = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        while True:
            assert delivery.run_due() == 1
            row.refresh_from_db()
            if row.state == Delivery.State.GIVEN_UP:
                break
            assert row.state == Delivery.State.FAILING and "503" in row.last_error
            wait = row.next_attempt_at - timezone.now()
            waits.append(wait)
            clock.shift(wait - timedelta(seconds=1))
            assert delivery.run_due() == 0  # not due yet
            clock.shift(timedelta(seconds=1))
    assert row.attempts == 16
    assert waits[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert max(waits) == timedelta(hours=6)
    assert sum(waits, timedelta()) > timedelta(days=1)


def test_a_permanent_refusal_is_given_up_at_once(chat_b, hana):
    chat_b.inbox_status = 410
    row = queue_one(hana.profile)
    delivery.run_due()
    row.refresh_from_db()
    assert row.state == Delivery.State.GIVEN_UP and row.attempts == 1


def test_a_success_is_delivered(chat_b, hana):
    row = queue_one(hana.profile)
    delivery.run_due()
    row.refresh_from_db()
    assert row.state == Delivery.State.DELIVERED and row.last_error == ""


def test_at_most_a_few_go_to_one_domain_at_a_time(chat_b, hana, settings):
    settings.FEDERATION = {**settings.FEDERATION, "DELIVERY_PER_DOMAIN": 3}
    for n in range(5):
        queue_one(hana.profile, n)
    queue_one(hana.profile, 9, inbox="https://takahe.test/inbox")
    claimed = delivery.claim_due()
    assert sorted(r.domain for r in claimed) == ["chat-b.test"] * 3 + ["takahe.test"]
    # Another worker now finds chat-b full.
    assert delivery.claim_due() == []


def test_a_claim_is_taken_once_and_taken_back_when_stale(chat_b, hana):
    queue_one(hana.profile)
    assert len(delivery.claim_due()) == 1
    assert delivery.claim_due() == []
    later = timezone.now() + timedelta(minutes=6)
    assert len(delivery.claim_due(now=later)) == 1


def test_the_worker_runs_the_deliveries():
    jobs = {job.path: job.every for job in worker.load_jobs()}
    assert jobs["federation.delivery.run_due"] == 0.5


def test_admins_see_the_deliveries(chat_b, hana):
    chat_b.inbox_status = 500
    queue_one(hana.profile)
    delivery.run_due()
    hana.user.is_staff = hana.user.is_superuser = True
    hana.user.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    client.force_login(hana.user)
    page = client.get("/admin/federation/delivery/?state__exact=failing")
    assert page.status_code == 200
    assert "https://chat-b.test/inbox" in page.content.decode()
    assert "HTTP 500" in page.content.decode()


def test_metrics_count_deliveries_per_domain(chat_b, hana):
    attempts = "hashchat_federation_delivery_attempts_total"
    before = sample(attempts, scrape_time=False, domain="chat-b.test", outcome="failed")
    chat_b.inbox_status = 503
    queue_one(hana.profile, 1)
    queue_one(hana.profile, 2)
    delivery.run_due()
    failing = sample("hashchat_federation_deliveries", domain="chat-b.test", state="failing")
    assert failing == 2
    after = sample(attempts, scrape_time=False, domain="chat-b.test", outcome="failed")
    assert after - before == 2
    chat_b.inbox_status = 404
    queue_one(hana.profile, 3)
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        delivery.run_due()
    given_up = sample("hashchat_federation_deliveries", domain="chat-b.test", state="given_up")
    assert given_up == 3
    assert sample("hashchat_federation_deliveries", domain="chat-b.test", state="failing") == 0


def test_old_deliveries_are_forgotten(chat_b, hana):
    row = queue_one(hana.profile)
    delivery.run_due()
    assert delivery.prune() == 0
    assert delivery.prune(now=timezone.now() + timedelta(days=15)) == 1
    assert not Delivery.objects.filter(pk=row.pk).exists()


# The worker's tick checks its connection as between jobs (close_old_connections), which
# closes a connection held in a test's transaction on PostgreSQL: this test commits.
@pytest.mark.django_db(transaction=True)
def test_a_queued_delivery_nudges_the_worker(chat_b, hana):
    ran = []
    job = worker.Job("federation.delivery.run_due", 60.0, lambda: ran.append(1), next_run=1e12)
    # Nudges left by earlier tests' commits (no worker ran to take them) go first.
    worker.tick([job], "test", now=0.0)
    ran.clear()
    remote = Profile.objects.create(
        handle="pat@chat-b.test",
        domain="chat-b.test",
        uri=f"{THERE}/users/pat",
        inbox_url=f"{THERE}/users/pat/inbox",
    )
    Follow.objects.create(follower=remote, followee=hana.profile)
    worker.tick([job], "test", now=0.0)
    assert ran == []  # not due
    post_actions.create_post(user=hana.user, profile=hana.profile, text="Q1 #libchat")
    worker.tick([job], "test", now=0.0)
    assert ran == [1]  # nudged: run at once
