"""Helpers for the Mastodon API tests: registered apps, tokens acting as a
profile, and a test client that sends the bearer token."""

import json

import pytest
from django.core.management import call_command
from django.test import Client

from mastodon_api import actions
from mastodon_api.models import Application, Token, digest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The database cache table (cached feeds) when Redis is not used.
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


class ApiClient:
    """Django's test client with a bearer token, JSON bodies and parsed answers."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def _headers(self, headers: dict | None) -> dict:
        out = dict(headers or {})
        if self.token:
            out.setdefault("Authorization", f"Bearer {self.token}")
        return out

    def get(self, path: str, params=None, headers=None):
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def post(self, path: str, data=None, headers=None, form: bool = False):
        if form:
            return self.client.post(path, data or {}, headers=self._headers(headers))
        return self.client.post(
            path,
            json.dumps(data or {}),
            content_type="application/json",
            headers=self._headers(headers),
        )

    def put(self, path: str, data=None, headers=None):
        return self.client.put(
            path,
            json.dumps(data or {}),
            content_type="application/json",
            headers=self._headers(headers),
        )

    def patch(self, path: str, data=None, headers=None):
        return self.client.patch(
            path,
            json.dumps(data or {}),
            content_type="application/json",
            headers=self._headers(headers),
        )

    def delete(self, path: str, headers=None):
        return self.client.delete(path, headers=self._headers(headers))


@pytest.fixture
def app(db) -> Application:
    return actions.register_app(
        name="Test app",
        redirect_uris=["urn:ietf:wg:oauth:2.0:oob", "https://app.example/callback"],
        scopes="read write follow push",
    )


def make_token(app: Application, person, scopes: str = "read write follow", profile=None) -> str:
    issued = actions.issue_token(
        app=app,
        user=person.user,
        profile=profile or person.profile,
        scopes=frozenset(scopes.split()),
    )
    assert Token.objects.filter(token_digest=digest(issued.access_token)).exists()
    return issued.access_token


@pytest.fixture
def as_hana(app, hana) -> ApiClient:
    return ApiClient(make_token(app, hana))


@pytest.fixture
def as_pat(app, pat) -> ApiClient:
    return ApiClient(make_token(app, pat))


@pytest.fixture
def as_olly(app, olly) -> ApiClient:
    return ApiClient(make_token(app, olly))


@pytest.fixture
def anonymous(db) -> ApiClient:
    return ApiClient()
