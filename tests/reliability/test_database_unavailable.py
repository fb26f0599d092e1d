"""When the database cannot be reached, requests answer 503 with a clear message
(JSON on API paths), the worker backs off and retries, and nothing is posted twice.

The outage is simulated where every query goes through Django: each statement fails
with OperationalError, as it does when PostgreSQL is down or SQLite stays locked.
"""

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, OperationalError
from django.db.backends import utils as db_utils
from django.test import Client

from core.middleware import UNAVAILABLE_MESSAGE, is_unavailable_error
from core.worker import Job, tick
from posts.models import Post


@contextlib.contextmanager
def database_down():
    def refuse(self, *args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(db_utils.CursorWrapper, "execute", refuse)
        mp.setattr(db_utils.CursorWrapper, "executemany", refuse)
        yield


@pytest.fixture
def client():
    # Answer with the response instead of re-raising the view's exception.
    return Client(raise_request_exception=False)


def test_a_page_answers_503_with_a_message(db, client):
    with database_down():
        response = client.get("/tags/auslibchat/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert UNAVAILABLE_MESSAGE in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/api/v1/timelines/public", "/api/v1/instance", "/api/hashchat/v1/events/1/transcript"]
)
def test_the_apis_answer_503_with_a_json_error(db, client, path):
    with database_down():
        response = client.get(path)
    assert response.status_code == 503
    assert response.json() == {"error": UNAVAILABLE_MESSAGE}
    assert response["Retry-After"] == "30"


def test_a_logged_in_request_answers_503_before_any_view(pat, client):
    client.force_login(pat.user)
    with database_down():
        response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.json()["error"] == UNAVAILABLE_MESSAGE


def test_a_post_during_the_outage_is_not_saved_and_can_be_retried(pat, client):
    client.force_login(pat.user)
    from mastodon_api import actions as oauth
    from tests.mastodon_api.conftest import make_token

    app = oauth.register_app(
        name="t", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read write"
    )
    token = make_token(app, pat, scopes="read write")
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "outage-1"}
    with database_down():
        response = client.post("/api/v1/statuses", {"status": "during the outage"}, headers=headers)
    assert response.status_code == 503
    assert Post.objects.count() == 0
    response = client.post("/api/v1/statuses", {"status": "during the outage"}, headers=headers)
    assert response.status_code == 200
    again = client.post("/api/v1/statuses", {"status": "during the outage"}, headers=headers)
    assert again.json()["id"] == response.json()["id"]
    assert Post.objects.count() == 1


def test_everything_answers_again_once_the_database_is_back(db, client):
    with database_down():
        assert client.get("/tags/auslibchat/").status_code == 503
    assert client.get("/tags/auslibchat/").status_code == 200


def test_only_connection_errors_count_as_unavailable():
    assert is_unavailable_error(OperationalError("could not connect"))
    assert not is_unavailable_error(IntegrityError("duplicate key"))
    assert not is_unavailable_error(ValueError("bug"))
    assert not is_unavailable_error(None)


# The worker ---------------------------------------------------------------------------

T0 = datetime(2027, 2, 2, 11, 0, tzinfo=UTC)


@pytest.fixture
def chat(hana, ngac):
    from chats import actions as chat_actions

    with time_machine.travel(T0 - timedelta(days=1), tick=False):
        series = chat_actions.create_series(
            user=hana.user,
            organiser=ngac,
            hashtag="auslibchat",
            title="Australian library chat",
            timezone="UTC",
            rrule="FREQ=MONTHLY;BYDAY=1TU",
            start_time="11:00",
        )
        return chat_actions.create_event(
            user=hana.user,
            series=series,
            occurrence_start=T0,
            topic="Customer Service",
            questions=[
                {"kind": "welcome", "text": "Welcome to #auslibchat!", "offset": 0},
                {"kind": "question", "text": "What does good service look like?", "offset": 5},
            ],
        )


def test_the_worker_backs_off_while_the_database_is_away_and_posts_once_after(
    transactional_db, chat, ngac
):
    # transactional_db: the worker manages connections itself, outside a test transaction.
    from chats.scheduler import run_due

    job = Job("chats.scheduler.run_due", 1.0, run_due)
    with time_machine.travel(T0 + timedelta(minutes=6), tick=False):
        with database_down():
            tick([job], "w1", now=100.0)
            assert job.failures == 1
            assert job.next_run == 102.0
            tick([job], "w1", now=102.0)
            assert job.failures == 2
            assert job.next_run == 106.0
        tick([job], "w1", now=106.0)
        assert job.failures == 0
        tick([job], "w1", now=107.0)
        tick([job], "w2", now=108.0)
    # Each timed post exactly once, whichever worker ran after the outage.
    questions = list(chat.questions.order_by("position"))
    assert all(q.post_id is not None for q in questions)
    assert Post.objects.filter(author=ngac).count() == len(questions) == 2


def test_a_value_the_database_refuses_is_a_422_not_a_500(db, client):
    """PostgreSQL refuses NUL characters in text: the client's input is at fault."""
    from django.db import DataError

    from core.middleware import BAD_DATA_MESSAGE

    def refuse(self, *args, **kwargs):
        raise DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(db_utils.CursorWrapper, "execute", refuse)
        api = client.get("/api/v1/timelines/public")
        page = client.get("/tags/auslibchat/")
    assert api.status_code == 422
    assert api.json() == {"error": BAD_DATA_MESSAGE}
    assert page.status_code == 422
    assert "cannot be stored" in page.content.decode()
