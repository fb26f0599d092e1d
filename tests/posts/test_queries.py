"""posts.queries: the home timeline, hashtag and profile pages, threads, paging by id,
and the fixed number of queries per page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.actions import block, follow
from posts import actions
from posts.models import Post
from posts.queries import page_by_id, thread_of


def ids(posts):
    return [p.id for p in posts]


def test_home_has_followed_profiles_own_posts_and_followed_tags(pat, hana, olly, hklibconnect):
    follow(user=pat.user, profile=pat.profile, target=hana.profile)
    actions.follow_tag(user=pat.user, profile=pat.profile, name="auslibchat")
    by_hana = actions.create_post(user=hana.user, profile=hana.profile, text="Hello")
    own = actions.create_post(user=pat.user, profile=pat.profile, text="Mine")
    tagged = actions.create_post(user=olly.user, profile=olly.profile, text="A1 #AusLibChat")
    untagged = actions.create_post(user=olly.user, profile=olly.profile, text="Elsewhere")
    quiet_tagged = actions.create_post(
        user=olly.user, profile=olly.profile, text="#auslibchat", visibility="unlisted"
    )
    by_org = actions.create_post(user=pat.user, profile=hklibconnect, text="From the org")
    feed = list(Post.objects.home_feed(pat.profile).order_by("-id"))
    assert ids(feed) == [tagged.id, own.id, by_hana.id]
    assert untagged not in feed and quiet_tagged not in feed and by_org not in feed


def test_home_shows_reposts_by_followed_profiles_but_not_deleted_posts(pat, hana, olly):
    follow(user=pat.user, profile=pat.profile, target=hana.profile)
    original = actions.create_post(user=olly.user, profile=olly.profile, text="Worth sharing")
    boost = actions.repost(user=hana.user, profile=hana.profile, post=original)
    gone = actions.create_post(user=hana.user, profile=hana.profile, text="Oops")
    actions.delete_post(user=hana.user, post=gone)
    assert ids(Post.objects.home_feed(pat.profile)) == [boost.id]


def test_blocked_and_muted_profiles_are_left_out(pat, olly):
    actions.follow_tag(user=pat.user, profile=pat.profile, name="auslibchat")
    actions.create_post(user=olly.user, profile=olly.profile, text="#auslibchat")
    block(user=pat.user, profile=pat.profile, target=olly.profile)
    assert not Post.objects.home_feed(pat.profile).exists()
    assert not Post.objects.tag_page("auslibchat", pat.profile).exists()
    assert Post.objects.tag_page("auslibchat", None).count() == 1


def test_viewer_state_marks_likes_and_reposts_of_the_original(pat, hana, olly):
    follow(user=pat.user, profile=pat.profile, target=olly.profile)
    original = actions.create_post(user=hana.user, profile=hana.profile, text="Q1")
    boost = actions.repost(user=olly.user, profile=olly.profile, post=original)
    actions.like(user=pat.user, profile=pat.profile, post=original)
    actions.repost(user=pat.user, profile=pat.profile, post=original)
    rows = {p.id: p for p in Post.objects.home_feed(pat.profile).with_viewer_state(pat.profile)}
    assert rows[boost.id].viewer_liked and rows[boost.id].viewer_reposted
    other = Post.objects.with_viewer_state(olly.profile).get(pk=original.pk)
    assert not other.viewer_liked and other.viewer_reposted
    anonymous = Post.objects.with_viewer_state(None).get(pk=original.pk)
    assert not anonymous.viewer_liked


def test_paging_by_id_newest_first(pat):
    posts = [
        actions.create_post(user=pat.user, profile=pat.profile, text=f"n{i}") for i in range(5)
    ]
    first = page_by_id(Post.objects.profile_page(pat.profile), None, size=2)
    assert ids(first.items) == [posts[4].id, posts[3].id] and first.older == posts[3].id
    second = page_by_id(Post.objects.profile_page(pat.profile), first.older, size=2)
    assert ids(second.items) == [posts[2].id, posts[1].id]
    last = page_by_id(Post.objects.profile_page(pat.profile), second.older, size=2)
    assert ids(last.items) == [posts[0].id] and last.older is None
    assert (
        ids(page_by_id(Post.objects.profile_page(pat.profile), "junk", size=9).items)[0]
        == posts[4].id
    )


def test_a_thread_has_ancestors_and_descendants_in_reading_order(pat, hana, olly):
    root = actions.create_post(user=hana.user, profile=hana.profile, text="Q1")
    a = actions.create_post(user=pat.user, profile=pat.profile, text="A", in_reply_to=root)
    b = actions.create_post(user=olly.user, profile=olly.profile, text="B", in_reply_to=root)
    a1 = actions.create_post(user=hana.user, profile=hana.profile, text="A1", in_reply_to=a)
    a1x = actions.create_post(user=pat.user, profile=pat.profile, text="A1x", in_reply_to=a1)
    ancestors, descendants = thread_of(a1, None)
    assert ids(ancestors) == [root.id, a.id]
    assert [(e.post.id, e.depth) for e in descendants] == [(a1x.id, 1)]
    _, from_root = thread_of(root, None)
    assert [(e.post.id, e.depth) for e in from_root] == [
        (a.id, 1),
        (a1.id, 2),
        (a1x.id, 3),
        (b.id, 1),
    ]


def test_a_deleted_post_keeps_its_place_in_the_thread(pat, hana):
    root = actions.create_post(user=hana.user, profile=hana.profile, text="Q1")
    middle = actions.create_post(user=pat.user, profile=pat.profile, text="A", in_reply_to=root)
    leaf = actions.create_post(user=hana.user, profile=hana.profile, text="B", in_reply_to=middle)
    actions.delete_post(user=pat.user, post=middle)
    ancestors, _ = thread_of(Post.objects.get(pk=leaf.pk), None)
    assert ids(ancestors) == [root.id, middle.id]
    assert ancestors[1].is_deleted


def add_chat_round(pat, hana, olly, i):
    q = actions.create_post(user=hana.user, profile=hana.profile, text=f"Q{i} #auslibchat @olly")
    r = actions.create_post(
        user=olly.user, profile=olly.profile, text=f"A{i} #auslibchat", in_reply_to=q
    )
    actions.repost(user=olly.user, profile=olly.profile, post=q)
    actions.like(user=pat.user, profile=pat.profile, post=r)
    return q


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        r = client.get(url)
    assert r.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/", "/tags/auslibchat/", "/@hana/", "/notifications/"])
def test_a_page_costs_the_same_queries_however_many_posts(pat, hana, olly, client, url):
    follow(user=pat.user, profile=pat.profile, target=hana.profile)
    follow(user=pat.user, profile=pat.profile, target=olly.profile)
    follow(user=hana.user, profile=hana.profile, target=pat.profile)
    actions.follow_tag(user=pat.user, profile=pat.profile, name="auslibchat")
    add_chat_round(pat, hana, olly, 0)
    client.force_login(hana.user if url == "/notifications/" else pat.user)
    client.get("/settings/password/")  # a first request of the session, elsewhere
    few = count_queries(client, url)
    for i in range(1, 8):
        add_chat_round(pat, hana, olly, i)
    assert count_queries(client, url) == few
    assert few <= 15


def test_a_thread_page_costs_the_same_queries_however_long_the_thread(pat, hana, olly, client):
    root = add_chat_round(pat, hana, olly, 0)
    client.force_login(pat.user)
    url = f"/posts/{root.id}/"
    client.get(url)
    few = count_queries(client, url)
    parent = root
    for i in range(6):
        parent = actions.create_post(
            user=olly.user, profile=olly.profile, text=f"more {i}", in_reply_to=parent
        )
        actions.like(user=pat.user, profile=pat.profile, post=parent)
    assert count_queries(client, url) == few
