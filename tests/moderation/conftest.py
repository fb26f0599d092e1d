import pytest

from mastodon_api import actions as oauth
from posts import actions as post_actions


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
