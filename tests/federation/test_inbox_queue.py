"""Incoming activities are stored by the inbox and processed on the worker: nothing
acknowledged with 202 is lost (a worker that starts later processes it), the same
activity twice is processed once, failures that may pass are retried and then given
up, and admins see them all."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts.models import Profile
from core import worker
from federation import inbox_queue
from federation.models import IncomingActivity
from posts import actions as post_actions
from posts.models import Post
from tests.federation.conftest import THERE, signed_post

PAT = f"{THERE}/users/pat"


def create(note: dict) -> dict:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": note["attributedTo"],
        "object": note,
    }


def announce(number: int, obj: str) -> dict:
    return {"id": f"{PAT}#announce/{number}", "type": "Announce", "actor": PAT, "object": obj}


def test_the_inbox_stores_and_answers_202_and_the_worker_processes(chat_b, db):
    note = chat_b.note(1, "<p>A1 stored first #libchat</p>")
    answer = signed_post("/inbox", create(note), process=False)
    assert answer.status_code == 202
    row = IncomingActivity.objects.get()
    assert (row.state, row.activity_id, row.kind) == ("queued", f"{note['id']}/activity", "Create")
    assert row.actor.uri == PAT and row.inbox == "/inbox"
    assert not Post.objects.filter(uri=note["id"]).exists()
    assert inbox_queue.run_due() == 1
    row.refresh_from_db()
    assert row.state == IncomingActivity.State.DONE
    assert row.result == f"stored {note['id']}"
    assert Post.objects.get(uri=note["id"]).text == "A1 stored first #libchat"
    assert inbox_queue.run_due() == 0


def test_the_same_activity_twice_is_stored_and_processed_once(chat_b, db):
    note = chat_b.note(1, "<p>once</p>")
    assert signed_post("/inbox", create(note), process=False).status_code == 202
    assert signed_post("/inbox", create(note), process=False).status_code == 202
    assert IncomingActivity.objects.count() == 1
    assert inbox_queue.run_due() == 1
    assert signed_post("/inbox", create(note)).status_code == 202
    assert IncomingActivity.objects.count() == 1
    assert Post.objects.filter(uri=note["id"]).count() == 1


# A fresh worker (run_worker, as `hashchat worker` starts it) checks its connection
# between jobs, which closes one held in a test's transaction: these tests commit.
@pytest.mark.django_db(transaction=True)
def test_an_activity_acknowledged_before_a_restart_is_processed_by_a_fresh_worker(chat_b):
    note = chat_b.note(1, "<p>A2 sent before the restart #libchat</p>")
    assert signed_post("/inbox", create(note), process=False).status_code == 202
    # The server stopped before its worker ran: nothing was processed yet.
    assert not Post.objects.filter(uri=note["id"]).exists()
    # A worker that stopped while processing leaves a claim behind.
    second = chat_b.note(2, "<p>A3 claimed when the worker stopped #libchat</p>")
    assert signed_post("/inbox", create(second), process=False).status_code == 202
    IncomingActivity.objects.filter(activity_id=f"{second['id']}/activity").update(
        state=IncomingActivity.State.PROCESSING, claimed_at=timezone.now() - timedelta(minutes=6)
    )
    worker.run_worker(once=True)
    assert Post.objects.filter(uri=note["id"]).exists()
    assert Post.objects.filter(uri=second["id"]).exists()
    assert set(IncomingActivity.objects.values_list("state", flat=True)) == {"done"}


@pytest.mark.django_db(transaction=True)
def test_a_stored_activity_nudges_the_worker(chat_b):
    ran = []
    job = worker.Job(inbox_queue.JOB, 60.0, lambda: ran.append(1), next_run=1e12)
    worker.tick([job], "test", now=0.0)  # nudges left by earlier tests' commits
    ran.clear()
    worker.tick([job], "test", now=0.0)
    assert ran == []  # not due
    assert (
        signed_post("/inbox", create(chat_b.note(1, "<p>hi</p>")), process=False).status_code == 202
    )
    worker.tick([job], "test", now=0.0)
    assert ran == [1]  # nudged by the commit: run at once


def test_the_worker_runs_the_inbox_queue():
    jobs = {job.path: job.every for job in worker.load_jobs()}
    assert jobs[inbox_queue.JOB] == 0.5


def test_a_failing_fetch_is_retried_then_processed(chat_b, hana):
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="Q1 #libchat")
    assert signed_post("/inbox", create(chat_b.note(1, "<p>hi</p>"))).status_code == 202
    chat_b.actor("carol")
    carols = chat_b.note(5, "<p>carol's note</p>", author="carol")
    # Pat boosts Carol's note; Carol's server is down when the worker fetches it.
    chat_b.get_status = 503
    assert signed_post("/inbox", announce(1, carols["id"])).status_code == 202
    row = IncomingActivity.objects.get(activity_id=f"{PAT}#announce/1")
    assert (row.state, row.attempts) == ("failing", 1)
    assert "503" in row.result
    assert inbox_queue.run_due() == 0  # not due before its backoff
    chat_b.get_status = None
    with time_machine.travel(timezone.now() + timedelta(seconds=11), tick=False):
        assert inbox_queue.run_due() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("done", 2)
    carols_post = Post.objects.get(uri=carols["id"])
    assert carols_post.author.handle == "carol@chat-b.test"
    assert carols_post.repost_count == 1
    assert post.repost_count == 0


def test_a_fetch_that_keeps_failing_is_given_up_and_shown_to_admins(chat_b, hana, settings):
    settings.FEDERATION = {**settings.FEDERATION, "INBOX_ATTEMPTS": 3}
    assert signed_post("/inbox", create(chat_b.note(1, "<p>hi</p>"))).status_code == 202
    chat_b.get_status = 500
    assert signed_post("/inbox", announce(1, f"{THERE}/users/carol/statuses/5")).status_code == 202
    row = IncomingActivity.objects.get(activity_id=f"{PAT}#announce/1")
    later = timezone.now()
    for _ in range(2):
        later += timedelta(hours=1)
        with time_machine.travel(later, tick=False):
            assert inbox_queue.run_due() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("given_up", 3)
    with time_machine.travel(later + timedelta(hours=1), tick=False):
        assert inbox_queue.run_due() == 0
    hana.user.is_staff = hana.user.is_superuser = True
    hana.user.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    client.force_login(hana.user)
    page = client.get("/admin/federation/incomingactivity/?state__exact=given_up")
    assert page.status_code == 200
    assert f"{PAT}#announce/1" in page.content.decode()
    assert "500" in page.content.decode()
    # The admin's action processes it again, now that the server answers.
    chat_b.get_status = None
    chat_b.actor("carol")
    chat_b.note(5, "<p>carol's note</p>", author="carol")
    client.post(
        "/admin/federation/incomingactivity/",
        {"action": "retry_now", "_selected_action": [row.pk]},
    )
    assert inbox_queue.run_due() == 1
    row.refresh_from_db()
    assert row.state == IncomingActivity.State.DONE


def test_an_activity_of_an_actor_suspended_before_processing_is_refused(chat_b, db):
    assert signed_post("/inbox", create(chat_b.note(1, "<p>first</p>"))).status_code == 202
    note = chat_b.note(2, "<p>after</p>")
    assert signed_post("/inbox", create(note), process=False).status_code == 202
    Profile.objects.filter(uri=PAT).update(is_suspended=True)
    inbox_queue.run_due()
    row = IncomingActivity.objects.get(activity_id=f"{note['id']}/activity")
    assert row.state == IncomingActivity.State.REFUSED
    assert "suspended" in row.result
    assert not Post.objects.filter(uri=note["id"]).exists()


def test_old_incoming_activities_are_forgotten_but_waiting_ones_kept(chat_b, db):
    assert signed_post("/inbox", create(chat_b.note(1, "<p>done</p>"))).status_code == 202
    signed_post("/inbox", create(chat_b.note(2, "<p>waiting</p>")), process=False)
    assert inbox_queue.prune() == 0
    assert inbox_queue.prune(now=timezone.now() + timedelta(days=31)) == 1
    assert IncomingActivity.objects.get().state == IncomingActivity.State.QUEUED
