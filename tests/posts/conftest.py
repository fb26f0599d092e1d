import pytest

from accounts.middleware import SESSION_KEY


@pytest.fixture
def act_as(client):
    """Log `person` in on the test client, acting as `profile` (their own by default)."""

    def login(person, profile=None):
        client.force_login(person.user)
        if profile is not None:
            session = client.session
            session[SESSION_KEY] = str(profile.id)
            session.save()
        return client

    return login
