"""Shared by the fuzzers: the security tests' small world (a live chat with posts,
a notification, every page's parameters), a request budget, and a fingerprint of
what is stored, to prove that a refused request stored nothing."""

import os

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from tests.security.conftest import clock, world  # noqa: F401 (fixtures)

# Examples per operation: small by default (the whole fuzz run stays well under a
# minute), raised before a release with HASHCHAT_FUZZ_EXAMPLES=200 (see docs/security.md).
SCALE = os.environ.get("HASHCHAT_FUZZ_EXAMPLES")
APPS = ("accounts", "posts", "chats", "transcripts", "mastodon_api", "federation", "gathering")


# Values each parameter of each operation is sent once (one parameter at a time),
# before the random examples: the boundaries random search reaches only by luck.
HOSTILE = {
    "id": ["-1", str(2**63), str(2**64 + 1), "1e400", "²"],
    "int": ["-1", str(2**63), str(2**64 + 1), "x"],
    "text": ["", "\u0000", "x" * 5000, "0001-01-01T00:00:00+14:00", "FREQ=DAILY;INTERVAL=0"],
    "bool": ["maybe"],
}
HOSTILE["tag"] = HOSTILE["visibility"] = HOSTILE["scope"] = HOSTILE["next"] = HOSTILE["text"]
HOSTILE["date"] = ["0001-01-01", "9999-12-31", "2027-02-30"]
HOSTILE["time"] = ["24:00", "23:59:60", "-1"]
HOSTILE["datetime"] = ["0001-01-01T00:00", "9999-12-31T23:59", "2027-02-30T10:00"]
HOSTILE["ids"] = HOSTILE["id"]
HOSTILE["texts"] = HOSTILE["text"]


def examples(default: int) -> int:
    return int(SCALE) if SCALE else default


def stored_counts() -> dict[str, int]:
    """How many rows each hashchat model has (a refused write must change none)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in APPS
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The rate-limit counters live in the database cache table when Redis is not used.
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture
def keep_test_connection():
    """As Django's test client does for its own requests: a request made through
    the WSGI app must not close the test's connection (that would end the test
    transaction on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Thousands of requests from one client: the limits are tested elsewhere."""
    names = ("post:profile", "post:ip", "login:ip", "login:username", "signup:ip", "api")
    settings.HASHCHAT = {
        **settings.HASHCHAT,
        "RATE_LIMITS": {name: (10**9, 60) for name in names},
    }
