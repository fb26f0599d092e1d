"""A real server's request log, job log and /metrics: one JSON line per request and
per job, request ids carried into the jobs a request starts, no secret in any line,
and figures in the Prometheus format for allowed readers only."""

import json
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.live.helpers import login, post_in_room, set_up_chat, token_for
from tests.server import running_server

METRICS_TOKEN = "metrics-token-0123456789"


def log_records(server) -> list[dict]:
    records = []
    for path in server.data_dir.glob("server-*.log"):
        for line in path.read_text().splitlines():
            if line.startswith("hashchat is serving on"):
                continue
            records.append(json.loads(line))  # every other line is one JSON object
    return records


def line_of(server, rid: str) -> dict:
    """The request's log line (written just after its answer went out)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for record in log_records(server):
            if record["request_id"] == rid and record["logger"] == "hashchat.request":
                return record
        time.sleep(0.05)
    raise AssertionError(f"no log line for request {rid}")


def figures(text: str) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.fixture(scope="module")
def server():
    with tempfile.TemporaryDirectory(prefix="hashchat-observe-") as tmp:
        env = {
            "HASHCHAT_LOG_FORMAT": "json",
            "HASHCHAT_METRICS_TOKEN": METRICS_TOKEN,
            "HASHCHAT_METRICS_ALLOW": "127.0.0.1",
        }
        with running_server(env=env, data_dir=Path(tmp)) as server:
            yield server


@pytest.fixture(scope="module")
def activity(server) -> dict:
    """A chat with a post in its room (which starts a job) and a home timeline read:
    what the log and metrics tests look for, whichever of them runs first or alone."""
    event_id = set_up_chat(server)
    token = token_for(server, "pat")
    client = login(server.url, "pat")
    item = post_in_room(client, event_id, "Hello from the log test #livetest")
    timeline = httpx.get(
        server.url + "/api/v1/timelines/home", headers={"Authorization": f"Bearer {token}"}
    )
    assert timeline.status_code == 200
    deadline = time.monotonic() + 20
    while not any(r["logger"] == "hashchat.job" for r in log_records(server)):
        assert time.monotonic() < deadline, "the post's job did not run"
        time.sleep(0.05)
    return {
        "token": token,
        "client": client,
        "item": item,
        "timeline_rid": timeline.headers["X-Request-ID"],
    }


def test_every_request_and_job_is_one_json_line_without_secrets(server, activity):
    token, client, item = activity["token"], activity["client"], activity["item"]
    session, csrf = client.cookies["sessionid"], client.cookies["csrftoken"]
    rid = activity["timeline_rid"]
    with httpx.stream(
        "GET", f"{server.url}/api/v1/streaming/public?access_token={token}", timeout=10
    ) as stream:
        assert stream.status_code == 200
        next(stream.iter_raw())
    # A bad login: the password it tried must not show up either.
    httpx.post(
        server.url + "/oauth/token",
        data={"grant_type": "password", "username": "pat", "password": "wrong-Pa55word"},
    )
    # The last request's line is written just after its answer: wait for it.
    last = httpx.get(server.url + "/")
    line_of(server, last.headers["X-Request-ID"])

    records = log_records(server)
    requests = [r for r in records if r["logger"] == "hashchat.request"]
    by_id = {r["request_id"]: r for r in requests}
    assert by_id[rid]["path"] == "/api/v1/timelines/home"
    assert by_id[rid]["status"] == 200
    assert by_id[rid]["route"] == "api/v1/timelines/home"
    assert by_id[rid]["client"] == "127.0.0.1"
    assert any(r["path"] == "/api/v1/streaming/public" and r["status"] == 200 for r in requests), (
        "the stream's request is logged, without its query string"
    )
    # The post's request started a job (building its live event): same request id.
    posted = [r for r in requests if r["path"].endswith("/room/post")]
    assert len(posted) == 1
    jobs = [r for r in records if r["logger"] == "hashchat.job"]
    assert any(
        j["request_id"] == posted[0]["request_id"] and j["job"] == "live.event" for j in jobs
    ), jobs
    # The worker's runs are jobs too, each with an id of its own.
    assert all(j["request_id"] for j in jobs)

    text = "\n".join(p.read_text() for p in server.data_dir.glob("server-*.log"))
    for secret in (token, session, csrf, "pat-secret-pw", "wrong-Pa55word", "test-secret"):
        assert secret not in text
    assert item["id"]


def test_metrics_for_allowed_addresses_and_token_holders(server, activity):
    answer = httpx.get(server.url + "/metrics")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain")
    found = figures(answer.text)
    names = {name for name, _ in found}
    for name in (
        "hashchat_request_seconds_bucket",
        "hashchat_posts_created_total",
        "hashchat_stream_subscribers",
        "hashchat_stream_events_delivered_total",
        "hashchat_stream_events_written_directly_total",
        "hashchat_task_queue_depth",
        "hashchat_scheduler_lag_seconds",
        "hashchat_jobs_total",
    ):
        assert name in names, name
    assert found[("hashchat_posts_created_total", ())] >= 1
    assert any(
        name == "hashchat_request_seconds_count" and ("route", "api/v1/timelines/home") in labels
        for name, labels in found
    )


def test_forwarded_addresses_count_from_trusted_proxies_only(server, tmp_path):
    # By default a proxy on this machine (127.0.0.1) is trusted: its X-Forwarded-For counts.
    forwarded = httpx.get(server.url + "/api/v1/instance", headers={"X-Forwarded-For": "10.7.7.7"})
    assert line_of(server, forwarded.headers["X-Request-ID"])["client"] == "10.7.7.7"
    # Trusting nobody: the header is ignored, the connection's address counts.
    env = {"HASHCHAT_TRUSTED_PROXIES": "", "HASHCHAT_LOG_FORMAT": "json"}
    with running_server(env=env, data_dir=tmp_path) as other:
        answer = httpx.get(other.url + "/api/v1/instance", headers={"X-Forwarded-For": "10.7.7.7"})
        assert line_of(other, answer.headers["X-Request-ID"])["client"] == "127.0.0.1"


def test_metrics_refused_elsewhere_without_the_token(tmp_path):
    env = {"HASHCHAT_METRICS_ALLOW": "10.1.0.0/16", "HASHCHAT_METRICS_TOKEN": METRICS_TOKEN}
    with running_server(env=env, data_dir=tmp_path) as server:
        refused = httpx.get(server.url + "/metrics")
        assert refused.status_code == 403
        assert "error" in refused.json()
        wrong = httpx.get(server.url + "/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 403
        allowed = httpx.get(
            server.url + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
        )
        assert allowed.status_code == 200
        assert "hashchat_request_seconds_bucket" in allowed.text


def test_a_separate_worker_s_figures_join_the_web_process_s(tmp_path):
    """With PROMETHEUS_MULTIPROC_DIR shared by `serve --no-worker` and `hashchat
    worker`, the worker's figures (it has no /metrics) show in the server's."""
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with running_server(env=env, data_dir=data_dir, args=("--no-worker",)) as server:
        job = ("job", "chats.scheduler.run_due")
        before = figures(httpx.get(server.url + "/metrics").text)
        assert not any(job in labels for _, labels in before), "no worker has run yet"
        server.hashchat("worker", "--once")
        after = figures(httpx.get(server.url + "/metrics").text)
        assert after[("hashchat_jobs_total", (job, ("outcome", "done")))] == 1
