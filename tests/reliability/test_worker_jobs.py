"""core names no app: the apps register their periodic work with the worker."""

from core import worker


def test_the_apps_register_their_periodic_jobs():
    jobs = {job.path: job.every for job in worker.load_jobs()}
    assert jobs == {
        "chats.scheduler.run_due": 1.0,
        "chats.reminders.send_due": 15.0,
        "transcripts.actions.freeze_due": 60.0,
        "federation.delivery.run_due": 0.5,
        "federation.delivery.prune": 3600.0,
        "federation.inbox_queue.run_due": 0.5,
        "federation.inbox_queue.prune": 3600.0,
        "gathering.archive.run_next": 2.0,
        "gathering.watching.poll_due": 1.0,
        "gathering.streaming.sync": 1.0,
    }


def test_registering_a_job_again_replaces_it():
    def tidy() -> None:
        return None

    worker.every(5.0, tidy, name="tests.tidy")
    worker.every(7.0, tidy, name="tests.tidy")
    try:
        assert [j.every for j in worker.load_jobs() if j.path == "tests.tidy"] == [7.0]
    finally:
        worker.forget("tests.tidy")
