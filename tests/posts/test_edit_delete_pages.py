"""/posts/<id>/edit/ and /posts/<id>/delete/"""

from posts import actions
from posts.models import Post


def test_the_edit_page_shows_the_text_and_the_history(act_as, pat):
    post = actions.create_post(user=pat.user, profile=pat.profile, text="First")
    actions.edit_post(user=pat.user, post=post, text="Second")
    r = act_as(pat).get(f"/posts/{post.id}/edit/")
    assert r.status_code == 200
    assert ">Second</textarea>" in r.text
    assert "Edit history" in r.text
    assert r.text.index("<p>First</p>") < r.text.index("<p>Second</p>")


def test_saving_an_edit(act_as, pat):
    post = actions.create_post(user=pat.user, profile=pat.profile, text="Typo")
    r = act_as(pat).post(f"/posts/{post.id}/edit/", {"text": "Fixed"})
    assert r.status_code == 302 and r.url == f"/posts/{post.id}/"
    post.refresh_from_db()
    assert post.text == "Fixed" and post.edits.count() == 1
    assert "(edited)" in act_as(pat).get(f"/posts/{post.id}/").text


def test_a_bad_edit_shows_the_form_again(act_as, pat):
    post = actions.create_post(user=pat.user, profile=pat.profile, text="Fine")
    r = act_as(pat).post(f"/posts/{post.id}/edit/", {"text": "y" * 501})
    assert r.status_code == 422
    assert "at most 500 characters" in r.text
    post.refresh_from_db()
    assert post.text == "Fine"


def test_olly_cannot_edit_or_delete_pats_post(act_as, pat, olly):
    post = actions.create_post(user=pat.user, profile=pat.profile, text="Mine")
    client = act_as(olly)
    r = client.get(f"/posts/{post.id}/edit/")
    assert r.status_code == 403
    assert "Only @pat can change this post." in r.text
    assert client.post(f"/posts/{post.id}/edit/", {"text": "Yours"}).status_code == 403
    assert client.post(f"/posts/{post.id}/delete/").status_code == 403
    post.refresh_from_db()
    assert post.text == "Mine" and not post.is_deleted


def test_delete_asks_first_then_deletes(act_as, pat, hana):
    root = actions.create_post(user=hana.user, profile=hana.profile, text="Q1")
    reply = actions.create_post(user=pat.user, profile=pat.profile, text="A1", in_reply_to=root)
    client = act_as(pat)
    r = client.get(f"/posts/{reply.id}/delete/")
    assert r.status_code == 200
    assert "Delete this post?" in r.text
    assert not Post.objects.get(pk=reply.pk).is_deleted
    r = client.post(f"/posts/{reply.id}/delete/", {"next": f"/posts/{reply.id}/"})
    assert r.status_code == 302 and r.url == f"/posts/{root.id}/"
    assert Post.objects.get(pk=reply.pk).is_deleted


def test_a_deleted_post_cannot_be_edited_or_deleted_again(act_as, pat):
    post = actions.create_post(user=pat.user, profile=pat.profile, text="x")
    actions.delete_post(user=pat.user, post=post)
    client = act_as(pat)
    assert client.get(f"/posts/{post.id}/edit/").status_code == 404
    assert client.post(f"/posts/{post.id}/delete/").status_code == 404


def test_pat_edits_a_post_of_hklibconnect(act_as, pat, hklibconnect):
    owner = hklibconnect.memberships.get(role="owner").user
    post = actions.create_post(user=owner, profile=hklibconnect, text="Opening hours")
    act_as(pat).post(f"/posts/{post.id}/edit/", {"text": "New opening hours"})
    post.refresh_from_db()
    assert post.text == "New opening hours"
