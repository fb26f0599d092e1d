"""schemathesis against the own API's published OpenAPI document: generated requests,
valid and invalid, never cause a server error, and every error answer is a JSON body
{"error": "..."}. Runs in-process (Django's WSGI app) with a bounded, derandomised
number of examples per operation."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from mastodon_api import actions as oauth
from tests.fuzz.conftest import examples, stored_counts
from tests.mastodon_api.conftest import make_token

EXAMPLES = examples(25)


@pytest.fixture
def api_schema(db):
    # As Django's test client does: a request must not close the test's connection
    # (that would end the test transaction on PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/hashchat/v1/openapi.json", get_wsgi_application()
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def hana_token(hana, ngac):
    app = oauth.register_app(
        name="fuzz", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read write"
    )
    return make_token(app, hana, scopes="read write", profile=ngac)


def check_error_answer(response) -> None:
    assert response.status_code < 500, f"{response.status_code}: {response.text[:500]}"
    if response.status_code >= 400:
        headers = {k.lower(): v for k, v in response.headers.items()}
        content_type = headers.get("content-type", "")
        if isinstance(content_type, list):
            content_type = content_type[0]
        assert content_type.startswith("application/json"), (response.status_code, headers)
        body = response.json()
        assert isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"]


def test_no_request_breaks_the_own_api(api_schema, hana_token):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            for headers in ({"Authorization": f"Bearer {hana_token}"}, {}):
                before = stored_counts() if case.method.upper() != "GET" else None
                response = case.call(headers=headers)
                check_error_answer(response)
                if before is not None and response.status_code >= 400:
                    assert stored_counts() == before, f"{case.method} {case.path} stored rows"

        run()


def test_the_fuzzer_covers_the_published_operations(api_schema):
    operations = [op.ok() for op in api_schema.get_all_operations()]
    assert len(operations) >= 5
