"""POST /posts/new/ : the compose box of every page."""

from posts import actions
from posts.models import Post


def compose(client, **data):
    return client.post("/posts/new/", data)


def test_posting_goes_back_to_next(act_as, pat):
    client = act_as(pat)
    r = compose(
        client,
        text="Hello #auslibchat",
        profile=pat.profile.id,
        next="/tags/auslibchat/",
        idempotency_key="k",
    )
    assert r.status_code == 302 and r.url == "/tags/auslibchat/"
    post = Post.objects.get()
    assert post.author == pat.profile and post.created_by == pat.user


def test_without_next_it_goes_to_the_new_post_and_ignores_other_sites(act_as, pat):
    r = compose(act_as(pat), text="Hi", profile=pat.profile.id, next="https://evil.example/")
    assert r.url == f"/posts/{Post.objects.get().id}/"


def test_pat_posts_as_hklibconnect(act_as, pat, hklibconnect):
    compose(act_as(pat), text="From the library", profile=hklibconnect.id)
    assert Post.objects.get().author == hklibconnect


def test_olly_cannot_post_as_hklibconnect(act_as, olly, hklibconnect):
    r = compose(act_as(olly), text="Hijack", profile=hklibconnect.id)
    assert r.status_code == 403
    assert "You cannot act as @HKLibConnect." in r.text
    assert ">Hijack</textarea>" in r.text
    assert not Post.objects.exists()


def test_an_unknown_profile_shows_the_form_again(act_as, pat):
    r = compose(act_as(pat), text="Hello", profile="123456789")
    assert r.status_code == 404
    assert "There is no such profile." in r.text
    r = compose(act_as(pat), text="Hello", profile="")
    assert r.status_code == 422
    assert "Choose a profile to post as." in r.text
    assert not Post.objects.exists()


def test_an_over_long_post_keeps_the_text_and_the_chosen_profile(act_as, pat, hklibconnect):
    r = compose(act_as(pat), text="x" * 501, profile=hklibconnect.id, idempotency_key="abc")
    assert r.status_code == 422
    assert "A post can have at most 500 characters; this one has 501." in r.text
    assert "x" * 501 + "</textarea>" in r.text
    assert f'<option value="{hklibconnect.id}" selected>' in r.text
    assert 'name="idempotency_key" value="abc"' in r.text
    assert 'aria-invalid="true"' in r.text
    assert not Post.objects.exists()


def test_an_empty_post_is_refused(act_as, pat):
    r = compose(act_as(pat), text="   ", profile=pat.profile.id)
    assert r.status_code == 422
    assert "A post cannot be empty." in r.text


def test_a_reply_to_a_deleted_post_is_refused(act_as, pat, hana):
    root = actions.create_post(user=hana.user, profile=hana.profile, text="Gone soon")
    actions.delete_post(user=hana.user, post=root)
    r = compose(act_as(pat), text="Late reply", profile=pat.profile.id, in_reply_to=root.id)
    assert r.status_code == 422
    assert "You cannot reply to a deleted post." in r.text
    assert Post.objects.count() == 1


def test_a_reply_to_an_unknown_post_is_refused(act_as, pat):
    r = compose(act_as(pat), text="Reply", profile=pat.profile.id, in_reply_to="999")
    assert r.status_code == 404
    assert "The post you are replying to does not exist." in r.text
    assert not Post.objects.exists()


def test_a_reply_lands_in_the_thread(act_as, pat, hana):
    root = actions.create_post(user=hana.user, profile=hana.profile, text="Q1")
    r = compose(
        act_as(pat),
        text="A1",
        profile=pat.profile.id,
        in_reply_to=root.id,
        next=f"/posts/{root.id}/",
    )
    assert r.url == f"/posts/{root.id}/"
    assert Post.objects.get(text="A1").in_reply_to == root


def test_a_double_submit_makes_one_post(act_as, pat):
    client = act_as(pat)
    compose(client, text="Once", profile=pat.profile.id, idempotency_key="form-1")
    compose(client, text="Once", profile=pat.profile.id, idempotency_key="form-1")
    assert Post.objects.count() == 1


def test_composing_needs_a_login_and_a_post(client, pat):
    r = compose(client, text="Hi", profile=pat.profile.id)
    assert r.status_code == 302 and r.url.startswith("/login/")
    assert not Post.objects.exists()
    client.force_login(pat.user)
    assert client.get("/posts/new/").status_code == 405


def test_posting_needs_the_csrf_token(pat):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(pat.user)
    r = client.post("/posts/new/", {"text": "Hi", "profile": pat.profile.id})
    assert r.status_code == 403
    assert not Post.objects.exists()
