"""posts.status_rows: a single status, the home timeline and a thread read in plain
SQL give exactly what the ORM's querysets give (readable_posts, home_feed, thread_of),
row for row and field for field, with the same joined authors, reposted posts and
viewer flags, for blocks, mutes, suspensions, hidden and deleted posts, followed
hashtags, reposts of removed posts and every cursor."""

import pytest
from django.utils import timezone

from accounts import actions as account_actions
from accounts.actions import create_user, suspend
from mastodon_api import entities
from mastodon_api.entities import NOTIFICATION_TYPES
from mastodon_api.views.common import readable_posts
from posts import actions, reactions, status_rows
from posts.models import Notification, Post
from posts.queries import arrange_thread, thread_of


def admin():
    return create_user(username="siteadmin", email="admin@example.org",
                       password="Admin-Password-42", admin=True)  # fmt: skip


def fields(post: Post) -> dict:
    return {f.attname: getattr(post, f.attname) for f in Post._meta.concrete_fields}


def same(sql_posts: list, orm_posts: list, viewer) -> None:
    assert [p.id for p in sql_posts] == [p.id for p in orm_posts]
    for got, want in zip(sql_posts, orm_posts, strict=True):
        assert fields(got) == fields(want)
        assert got.author.handle == want.author.handle
        assert got.reply_author_id == (want.in_reply_to.author_id if want.in_reply_to else None)
        if want.repost_of_id is not None:
            assert fields(got.repost_of) == fields(want.repost_of)
            assert got.repost_of.author.handle == want.repost_of.author.handle
    # What the API shows of them is the same too (flags included).
    assert entities.status_entities(sql_posts, viewer=viewer) == entities.status_entities(
        list(entities.with_status_joins(Post.objects.filter(id__in=[p.id for p in orm_posts]))
             .order_by(*(["-id"] if len(orm_posts) < 2 or orm_posts[0].id > orm_posts[-1].id
                         else ["id"]))),
        viewer=viewer,
    )  # fmt: skip


@pytest.fixture
def world(hana, pat, olly, ada):
    """Hana follows Pat and #libraries; Olly blocks Hana; Hana mutes Ada after a while."""
    account_actions.follow(user=hana.user, profile=hana.profile, target=pat.profile)
    account_actions.follow(user=hana.user, profile=hana.profile, target=olly.profile)
    actions.follow_tag(user=hana.user, profile=hana.profile, name="libraries")
    made = {}

    def post(person, text, **kw):
        return actions.create_post(user=person.user, profile=person.profile, text=text, **kw)

    made["mine"] = post(hana, "My own post #auslibchat")
    made["pat"] = [post(pat, f"Pat {i} #auslibchat") for i in range(6)]
    made["tagged"] = post(ada, "Ada on #libraries")
    made["quiet_tagged"] = post(ada, "Ada unlisted #libraries", visibility="unlisted")
    made["ada_plain"] = post(ada, "Ada without tags")
    made["olly"] = post(olly, "Olly says hi")
    made["reply"] = post(pat, "Pat replies", in_reply_to=made["olly"])
    made["repost"] = reactions.repost(user=pat.user, profile=pat.profile, post=made["tagged"])
    gone = post(ada, "Ada, soon deleted")
    made["repost_of_gone"] = reactions.repost(user=pat.user, profile=pat.profile, post=gone)
    actions.delete_post(user=ada.user, post=gone)
    made["deleted"] = post(pat, "Pat, deleted")
    actions.delete_post(user=pat.user, post=made["deleted"])
    reactions.like(user=hana.user, profile=hana.profile, post=made["pat"][2])
    reactions.bookmark(user=hana.user, profile=hana.profile, post=made["pat"][3])
    reactions.repost(user=hana.user, profile=hana.profile, post=made["pat"][4])
    reactions.like(user=hana.user, profile=hana.profile, post=made["tagged"])
    account_actions.block(user=olly.user, profile=olly.profile, target=hana.profile)
    return made


def orm_home(viewer, *, limit, max_id=None, since_id=None, min_id=None):
    posts = Post.objects.home_feed(viewer)
    if max_id is not None:
        posts = posts.filter(id__lt=max_id)
    if since_id is not None:
        posts = posts.filter(id__gt=since_id)
    posts = entities.with_status_joins(posts)
    if min_id is not None:
        return list(reversed(posts.filter(id__gt=min_id).order_by("id")[:limit]))
    return list(posts.order_by("-id")[:limit])


def test_home_pages_equal_the_orm(world, hana, ada):
    viewer = hana.profile
    everything = orm_home(viewer, limit=100)
    assert len(everything) > 8
    ids = [p.id for p in everything]
    cursors = [None, ids[0], ids[3], ids[-1], ids[len(ids) // 2]]
    for limit in (1, 3, 40):
        for cursor in cursors:
            for kind in ("max_id", "since_id", "min_id"):
                kw = {kind: cursor} if cursor is not None else {}
                same(status_rows.home_page(viewer, limit=limit, **kw),
                     orm_home(viewer, limit=limit, **kw), viewer)  # fmt: skip
    # A mute, a suspension and a moderator's hiding change both alike.
    account_actions.mute(user=hana.user, profile=viewer, target=ada.profile)
    same(status_rows.home_page(viewer, limit=40), orm_home(viewer, limit=40), viewer)
    account_actions.unmute(user=hana.user, profile=viewer, target=ada.profile)
    suspend(admin=admin(), profile=ada.profile)
    same(status_rows.home_page(viewer, limit=40), orm_home(viewer, limit=40), viewer)


def test_home_leaves_out_what_the_feed_leaves_out(world, hana):
    shown = {p.id for p in status_rows.home_page(hana.profile, limit=40)}
    assert world["mine"].id in shown and world["tagged"].id in shown
    assert world["repost"].id in shown
    assert world["quiet_tagged"].id not in shown  # tagged but not public
    assert world["ada_plain"].id not in shown  # not followed
    assert world["olly"].id not in shown  # Olly blocked Hana, which ended her follow
    assert world["repost_of_gone"].id not in shown
    assert world["deleted"].id not in shown


def test_a_single_status_is_readable_exactly_when_the_orm_says(world, hana, pat, olly, ada):
    posts = [world["mine"], *world["pat"], world["tagged"], world["olly"], world["reply"],
             world["repost"], world["repost_of_gone"], world["deleted"]]  # fmt: skip
    for viewer in (None, hana.profile, pat.profile, olly.profile):
        for post in posts:
            got = status_rows.readable(post.id, viewer)
            want = entities.with_status_joins(readable_posts(viewer).filter(id=post.id)).first()
            if want is None:
                assert got is None, (viewer, post.text)
            else:
                same([got], [want], viewer)
    # Olly blocks Hana: Hana cannot open Olly's post, others can.
    assert status_rows.readable(world["olly"].id, hana.profile) is None
    assert status_rows.readable(world["olly"].id, pat.profile) is not None
    assert status_rows.readable(10**15, None) is None


def test_a_hidden_post_and_a_suspended_author_are_not_readable(world, hana, pat, ada):
    # Hidden by a moderator (chats.actions.moderation sets this column).
    Post.objects.filter(id=world["pat"][0].id).update(hidden_at=timezone.now())
    assert status_rows.readable(world["pat"][0].id, hana.profile) is None
    suspend(admin=admin(), profile=ada.profile)
    assert status_rows.readable(world["tagged"].id, None) is None


def test_a_thread_equals_the_orm_thread(world, hana, pat, olly, ada):
    root = world["olly"]
    a = actions.create_post(user=pat.user, profile=pat.profile, text="Pat", in_reply_to=root)
    b = actions.create_post(user=olly.user, profile=olly.profile, text="Olly", in_reply_to=a)
    actions.create_post(user=ada.user, profile=ada.profile, text="Ada", in_reply_to=b)
    actions.create_post(user=pat.user, profile=pat.profile, text="Pat again", in_reply_to=a)
    reactions.repost(user=ada.user, profile=ada.profile, post=a)
    actions.delete_post(user=olly.user, post=b)
    account_actions.mute(user=pat.user, profile=pat.profile, target=ada.profile)
    for viewer in (None, hana.profile, pat.profile, ada.profile):
        orm_ancestors, orm_descendants = thread_of(a, viewer)
        ancestors, descendants = arrange_thread(
            a, status_rows.thread_rows(root.thread_root_id or root.id, viewer)
        )
        assert [p.id for p in ancestors] == [p.id for p in orm_ancestors]
        assert [(d.post.id, d.depth) for d in descendants] == [
            (d.post.id, d.depth) for d in orm_descendants
        ]
        for got, want in zip(ancestors, orm_ancestors, strict=True):
            assert fields(got) == fields(want)
        for got, want in zip(descendants, orm_descendants, strict=True):
            assert fields(got.post) == fields(want.post)


def orm_notifications(recipient, kinds, excluded, actor_id, *, limit, max_id=None, min_id=None):
    rows = Notification.objects.for_profile(recipient).filter(kind__in=kinds)
    if excluded:
        rows = rows.exclude(kind__in=excluded)
    if actor_id is not None:
        rows = rows.filter(actor_id=actor_id)
    if max_id is not None:
        rows = rows.filter(id__lt=max_id)
    if min_id is not None:
        return list(reversed(rows.filter(id__gt=min_id).order_by("id")[:limit]))
    return list(rows.order_by("-id")[:limit])


def test_notification_pages_equal_the_orm(world, hana, pat, olly, ada):
    for i in range(3):
        actions.create_post(user=ada.user, profile=ada.profile, text=f"@hana hello {i}")
    reactions.like(user=pat.user, profile=pat.profile, post=world["mine"])
    reactions.repost(user=ada.user, profile=ada.profile, post=world["mine"])
    account_actions.follow(user=ada.user, profile=ada.profile, target=hana.profile)
    first = Notification.objects.filter(recipient=hana.profile).order_by("id").first()
    actions.dismiss_notification(user=hana.user, profile=hana.profile, notification_id=first.id)
    everything = orm_notifications(hana.profile, list(NOTIFICATION_TYPES), [], None, limit=80)
    assert len(everything) >= 5
    ids = [n.id for n in everything]
    cases = [
        (list(NOTIFICATION_TYPES), [], None),
        (["mention", "reply"], [], None),
        (list(NOTIFICATION_TYPES), ["like"], None),
        (list(NOTIFICATION_TYPES), [], ada.profile.id),
        ([], [], None),
    ]
    for kinds, excluded, actor_id in cases:
        for limit in (1, 2, 40):
            for cursor in (None, ids[0], ids[2], ids[-1]):
                for kind in ("max_id", "min_id"):
                    kw = {kind: cursor} if cursor is not None else {}
                    got = status_rows.notification_page(
                        hana.profile, kinds=kinds, excluded=excluded, actor_id=actor_id,
                        limit=limit, **kw,
                    )  # fmt: skip
                    want = orm_notifications(hana.profile, kinds, excluded, actor_id,
                                             limit=limit, **kw)  # fmt: skip
                    assert [n.id for n in got] == [n.id for n in want]
                    for g, w in zip(got, want, strict=True):
                        assert g.actor_id == w.actor_id and g.kind == w.kind
                        assert (g.actor.handle if g.actor else None) == (
                            w.actor.handle if w.actor else None
                        )
                        if w.post_id is not None:
                            assert fields(g.post) == fields(w.post)
                            assert g.post.author.handle == w.post.author.handle
                    assert entities.notification_entities(
                        got, hana.profile
                    ) == entities.notification_entities(want, hana.profile)
    # One profile instance per actor on a page, as for the authors of a timeline.
    page = status_rows.notification_page(
        hana.profile, kinds=list(NOTIFICATION_TYPES), actor_id=ada.profile.id, limit=40
    )
    assert len(page) >= 2 and len({id(n.actor) for n in page}) == 1
