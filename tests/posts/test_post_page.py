"""/posts/<id>/ : a post with its thread and reply form."""

from posts import actions


def test_a_post_shows_its_ancestors_and_replies(client, pat, hana, olly):
    root = actions.create_post(
        user=hana.user, profile=hana.profile, text="Q1 about service #auslibchat"
    )
    answer = actions.create_post(
        user=pat.user, profile=pat.profile, text="A1 smile", in_reply_to=root
    )
    actions.create_post(
        user=hana.user, profile=hana.profile, text="Great point", in_reply_to=answer
    )
    actions.create_post(user=olly.user, profile=olly.profile, text="Unrelated")
    r = client.get(f"/posts/{answer.id}/")
    assert r.status_code == 200
    text = r.text.split('<main id="main"')[1]
    assert text.index("Q1 about service") < text.index("A1 smile") < text.index("Great point")
    assert "Unrelated" not in text
    assert 'class="post depth-1"' in text
    assert 'class="post focus"' in text


def test_a_logged_in_viewer_gets_a_reply_form_mentioning_the_author(client, pat, hana):
    root = actions.create_post(user=hana.user, profile=hana.profile, text="Q1")
    client.force_login(pat.user)
    r = client.get(f"/posts/{root.id}/")
    assert f'name="in_reply_to" value="{root.id}"' in r.text
    assert ">@hana </textarea>" in r.text
    assert "Your reply to @hana" in r.text


def test_visitors_are_asked_to_log_in_to_reply(client, hana):
    root = actions.create_post(user=hana.user, profile=hana.profile, text="Q1")
    r = client.get(f"/posts/{root.id}/")
    assert 'name="in_reply_to"' not in r.text
    assert f'href="/login/?next=/posts/{root.id}/"' in r.text
    assert "0 likes" in r.text


def test_the_viewers_like_and_repost_show_as_pressed(client, pat, hana):
    root = actions.create_post(user=hana.user, profile=hana.profile, text="Q1")
    actions.like(user=pat.user, profile=pat.profile, post=root)
    client.force_login(pat.user)
    r = client.get(f"/posts/{root.id}/")
    assert f'action="/posts/{root.id}/unlike/"' in r.text
    assert 'aria-pressed="true">Liked <span class="count">1</span>' in r.text
    assert f'action="/posts/{root.id}/repost/"' in r.text


def test_a_deleted_post_keeps_its_place_without_its_text(client, pat, hana):
    root = actions.create_post(user=hana.user, profile=hana.profile, text="Q1")
    middle = actions.create_post(
        user=pat.user, profile=pat.profile, text="Regrettable", in_reply_to=root
    )
    actions.create_post(user=hana.user, profile=hana.profile, text="Still here", in_reply_to=middle)
    actions.delete_post(user=pat.user, post=middle)
    r = client.get(f"/posts/{root.id}/")
    assert "This post has been deleted." in r.text
    assert "Regrettable" not in r.text and "Still here" in r.text
    client.force_login(pat.user)
    gone = client.get(f"/posts/{middle.id}/")
    assert gone.status_code == 200 and 'name="in_reply_to"' not in gone.text


def test_a_repost_address_leads_to_the_original(client, pat, hana):
    root = actions.create_post(user=hana.user, profile=hana.profile, text="Q1")
    boost = actions.repost(user=pat.user, profile=pat.profile, post=root)
    r = client.get(f"/posts/{boost.id}/")
    assert r.status_code == 302 and r.url == f"/posts/{root.id}/"


def test_an_unknown_post_is_a_404_page(client, db):
    r = client.get("/posts/12345/")
    assert r.status_code == 404
    assert "Not found" in r.text


def test_edit_and_delete_links_only_for_those_who_manage_the_author(
    client, pat, olly, hklibconnect
):
    post = actions.create_post(user=pat.user, profile=hklibconnect, text="Org news")
    client.force_login(pat.user)
    assert f'href="/posts/{post.id}/edit/"' in client.get(f"/posts/{post.id}/").text
    client.force_login(olly.user)
    assert f'href="/posts/{post.id}/edit/"' not in client.get(f"/posts/{post.id}/").text


def test_post_text_is_shown_safely(client, pat):
    post = actions.create_post(
        user=pat.user,
        profile=pat.profile,
        text='<script>alert(1)</script> <a href="javascript:x()">x</a>',
    )
    r = client.get(f"/posts/{post.id}/")
    assert "<script>alert(1)" not in r.text
    assert '<a href="javascript:' not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
