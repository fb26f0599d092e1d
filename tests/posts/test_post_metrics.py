"""Posts created are counted when they are committed, never for a rollback."""

from posts.actions import create_post
from tests.metrics import sample


def test_posts_are_counted_when_committed_only(pat, django_capture_on_commit_callbacks):
    before = sample("hashchat_posts_created_total")
    with django_capture_on_commit_callbacks(execute=False) as pending:
        create_post(user=pat.user, profile=pat.profile, text="Rolled back, never counted")
    assert pending, "the count waits for the commit"
    assert sample("hashchat_posts_created_total") == before
    with django_capture_on_commit_callbacks(execute=True):
        create_post(user=pat.user, profile=pat.profile, text="Counted")
    assert sample("hashchat_posts_created_total") == before + 1
