"""posts.hooks: how an app above posts takes part in a new post (chats links
answers to questions) without posts naming it."""

import pytest
from django.db import connection

from posts import hooks
from posts.actions import create_post
from posts.models import Post


def row_exists(post_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {Post._meta.db_table} WHERE id = %s", [post_id])
        return cursor.fetchone() is not None


@pytest.fixture
def recorder():
    calls: list[tuple] = []

    def prepare(post, asks, mentioned):
        calls.append(("prepare", post.id, row_exists(post.id), asks))
        return {"seen": post.text} if asks != "nothing" else None

    def store(post, state):
        calls.append(("store", post.id, row_exists(post.id), state))
        if state["seen"] == "boom":
            raise RuntimeError("the hook failed")

    hooks.on_post_created("tests.recorder", prepare=prepare, store=store)
    yield calls
    hooks.remove("tests.recorder")


def test_a_hook_reads_before_the_write_and_stores_after_the_row_exists(recorder, pat):
    post = create_post(user=pat.user, profile=pat.profile, text="hello", asks="what")

    assert recorder == [
        ("prepare", post.id, False, "what"),
        ("store", post.id, True, {"seen": "hello"}),
    ]


def test_nothing_is_stored_when_prepare_finds_nothing_to_do(recorder, pat):
    post = create_post(user=pat.user, profile=pat.profile, text="quiet", asks="nothing")

    assert recorder == [("prepare", post.id, False, "nothing")]


def test_a_failing_hook_leaves_no_post_behind(recorder, pat):
    with pytest.raises(RuntimeError):
        create_post(user=pat.user, profile=pat.profile, text="boom")

    assert not Post.objects.filter(text="boom").exists()


def test_chats_registers_its_linking_hook_when_the_apps_are_ready():
    assert "chats.linking" in [hook.name for hook in hooks.created_hooks()]


def test_a_page_hook_adds_to_the_page_and_unknown_pages_are_refused(client, pat):
    hooks.on_page("home", "tests.extra", lambda request, context: {"extra": len(context)})
    try:
        client.force_login(pat.user)
        response = client.get("/")
        assert response.context["extra"] > 0
    finally:
        hooks.remove("tests.extra")
    with pytest.raises(ValueError):
        hooks.on_page("nowhere", "tests.extra", lambda request, context: {})
