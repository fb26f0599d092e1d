import pytest

from accounts import actions as account_actions
from mastodon_api import actions as oauth
from posts import actions as post_actions
from tests.conftest import Person


@pytest.fixture
def ada(db) -> Person:
    """A site admin, made as `hashchat createuser --admin` makes one."""
    user = account_actions.create_user(
        username="ada", email="ada@example.org", password="ada-secret-pw-1", admin=True
    )
    return Person(user=user, profile=user.personal_profile, password="ada-secret-pw-1")


@pytest.fixture
def report(pat, olly):
    post = post_actions.create_post(user=olly.user, profile=olly.profile, text="buy cheap watches")
    return oauth.file_report(
        user=pat.user,
        profile=pat.profile,
        target=olly.profile,
        post_ids=[post.id],
        comment="spam again",
        category="spam",
    )
