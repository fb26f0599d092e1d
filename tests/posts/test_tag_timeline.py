"""posts.tag_timeline: the hashtag timeline page in plain SQL gives exactly what the
ORM's `visible().public()` filtered by hashtag gives, row for row and field for
field (core.sqlrows), for every combination of tags and cursors."""

import pytest
from django.db.models import Exists, OuterRef

from accounts.actions import create_user, suspend
from accounts.models import Profile
from core.sqlrows import Selection
from posts import actions
from posts.models import Hashtag, Post
from posts.tag_timeline import TagQuery, tag_page


def orm_page(query: TagQuery, *, limit, max_id=None, since_id=None, min_id=None):
    through = Post.hashtags.through.objects
    tag_ids = Hashtag.objects.filter(name_lower__in=query.any).values("id")
    posts = Post.objects.visible().public()
    posts = posts.filter(Exists(through.filter(post_id=OuterRef("id"), hashtag_id__in=tag_ids)))
    for name in query.all:
        posts = posts.filter(id__in=through.filter(hashtag__name_lower=name).values("post_id"))
    if query.none:
        posts = posts.exclude(
            id__in=through.filter(hashtag__name_lower__in=query.none).values("post_id")
        )
    if query.hidden:
        posts = posts.exclude(author_id__in=query.hidden)
    if max_id is not None:
        posts = posts.filter(id__lt=max_id)
    if since_id is not None:
        posts = posts.filter(id__gt=since_id)
    if min_id is not None:
        return list(reversed(posts.filter(id__gt=min_id).order_by("id")[:limit]))
    return list(posts.order_by("-id")[:limit])


def fields(post: Post) -> dict:
    return {f.attname: getattr(post, f.attname) for f in Post._meta.concrete_fields}


@pytest.fixture
def chat(hana, pat, olly):
    """A busy #auslibchat with the cases a timeline must leave out."""
    made = []

    def post(person, text, **kw):
        made.append(actions.create_post(user=person.user, profile=person.profile, text=text, **kw))
        return made[-1]

    for i in range(12):
        post([hana, pat, olly][i % 3], f"A{i % 5 + 1} answer {i} #AusLibChat #libraries")
    post(pat, "Only #auslibchat")
    post(olly, "Only #libraries")
    post(hana, "Both #auslibchat #edchat")
    quiet = post(pat, "Unlisted #auslibchat", visibility="unlisted")
    gone = post(olly, "Deleted #auslibchat")
    actions.delete_post(user=olly.user, post=gone)
    first = made[0]
    actions.create_post(
        user=pat.user, profile=pat.profile, text="A reply without the tag", in_reply_to=first
    )
    post(pat, "@hana a reply with it #auslibchat", in_reply_to=first)
    return {"quiet": quiet, "gone": gone}


QUERIES = [
    TagQuery(any=["auslibchat"]),
    TagQuery(any=["auslibchat", "edchat"]),
    TagQuery(any=["auslibchat"], all=["libraries"]),
    TagQuery(any=["auslibchat"], none=["libraries"]),
    TagQuery(any=["libraries", "edchat"], all=["auslibchat"], none=["edchat"]),
    TagQuery(any=["nosuchtag"]),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: repr(q))
def test_pages_equal_the_orm_row_for_row_and_field_for_field(chat, query):
    for limit in (1, 5, 40):
        expected = orm_page(query, limit=limit)
        got = tag_page(query, limit=limit)
        assert [p.id for p in got] == [p.id for p in expected]
        for mine, theirs in zip(got, expected, strict=True):
            assert fields(mine) == fields(theirs)
            assert mine.author == theirs.author
            assert mine.author.handle == theirs.author.handle
            assert mine.author.created_at == theirs.author.created_at
            reply_author = theirs.in_reply_to.author_id if theirs.in_reply_to_id else None
            assert mine.reply_author_id == reply_author


def test_cursors_walk_the_same_pages_as_the_orm(chat):
    query = TagQuery(any=["auslibchat"])
    everything = orm_page(query, limit=100)
    middle = everything[len(everything) // 2].id
    for cursor in ({"max_id": middle}, {"since_id": middle}, {"min_id": middle}):
        for limit in (3, 40):
            got = [p.id for p in tag_page(query, limit=limit, **cursor)]
            assert got == [p.id for p in orm_page(query, limit=limit, **cursor)], cursor
    # min_id gives the page just newer than the cursor, newest first.
    just_newer = [p.id for p in tag_page(query, limit=3, min_id=middle)]
    assert just_newer == sorted(just_newer, reverse=True)
    assert min(just_newer) > middle
    older = [p for p in everything if p.id > middle]
    assert just_newer == [p.id for p in older[-3:]]


def test_leaves_out_deleted_unlisted_hidden_authors_and_suspended_profiles(chat, hana, pat, olly):
    query = TagQuery(any=["auslibchat"])
    shown = {p.id for p in tag_page(query, limit=40)}
    assert chat["quiet"].id not in shown and chat["gone"].id not in shown
    assert any(p.author_id == olly.profile.id for p in tag_page(query, limit=40))

    without_olly = TagQuery(any=["auslibchat"], hidden=[olly.profile.id])
    assert all(p.author_id != olly.profile.id for p in tag_page(without_olly, limit=40))

    admin = create_user(username="admin", email="admin@example.org", password="x" * 12, admin=True)
    suspend(admin=admin, profile=pat.profile)
    page = tag_page(query, limit=40)
    assert page and all(p.author_id != pat.profile.id for p in page)
    assert [p.id for p in page] == [p.id for p in orm_page(query, limit=40)]


def test_selection_reads_a_row_as_the_orm_would(hana):
    select = Selection(Profile, "a")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {select.sql} FROM {Profile._meta.db_table} a WHERE a.id = %s",
            [hana.profile.id],
        )
        row = cursor.fetchone()
    mine = select.instance(row)
    theirs = Profile.objects.get(pk=hana.profile.id)
    assert mine == theirs and not mine._state.adding
    for field in Profile._meta.concrete_fields:
        assert getattr(mine, field.attname) == getattr(theirs, field.attname), field.name
    assert mine.avatar_url() == theirs.avatar_url()
    assert select.instance([None] * select.width) is None


def test_a_viewer_misses_the_authors_it_blocks_or_mutes_or_that_block_it(chat, hana, pat, olly):
    from accounts.actions import block, mute, sign_up

    query = TagQuery(any=["auslibchat"], viewer=hana.profile.id)
    assert [p.id for p in tag_page(query, limit=40)] == [
        p.id for p in orm_page(TagQuery(any=["auslibchat"]), limit=40)
    ]
    quiet = sign_up(username="quiet", email="quiet@example.org", password="quiet-secret-pw")
    actions.create_post(user=quiet, profile=quiet.personal_profile, text="Hi #auslibchat")
    mute(user=hana.user, profile=hana.profile, target=quiet.personal_profile)
    block(user=olly.user, profile=olly.profile, target=hana.profile)
    hidden = [quiet.personal_profile.id, olly.profile.id]
    got = tag_page(query, limit=40)
    assert [p.id for p in got] == [
        p.id for p in orm_page(TagQuery(any=["auslibchat"], hidden=hidden), limit=40)
    ]
    assert {p.author_id for p in got} == {hana.profile.id, pat.profile.id}
    # Blocking works both ways: olly does not see hana's posts either.
    seen_by_olly = tag_page(TagQuery(any=["auslibchat"], viewer=olly.profile.id), limit=40)
    assert hana.profile.id not in {p.author_id for p in seen_by_olly}


def test_each_post_carries_the_viewers_flags(chat, hana, pat):
    page = tag_page(TagQuery(any=["auslibchat"]), limit=40)
    liked, reposted, bookmarked, both = page[0], page[1], page[2], page[3]
    actions.like(user=hana.user, profile=hana.profile, post=liked)
    actions.like(user=hana.user, profile=hana.profile, post=both)
    actions.repost(user=hana.user, profile=hana.profile, post=reposted)
    actions.bookmark(user=hana.user, profile=hana.profile, post=bookmarked)
    actions.bookmark(user=hana.user, profile=hana.profile, post=both)
    actions.like(user=pat.user, profile=pat.profile, post=bookmarked)
    seen = {
        p.id: p.viewer_flags
        for p in tag_page(TagQuery(any=["auslibchat"], viewer=hana.profile.id), limit=40)
    }
    assert seen[liked.id] == (True, False, False)
    assert seen[reposted.id] == (False, True, False)
    assert seen[bookmarked.id] == (False, False, True)
    assert seen[both.id] == (True, False, True)
    assert sum(any(f) for f in seen.values()) == 4
    actions.unrepost(user=hana.user, profile=hana.profile, post=reposted)
    again = tag_page(TagQuery(any=["auslibchat"], viewer=hana.profile.id), limit=40)
    assert {p.id: p.viewer_flags for p in again}[reposted.id] == (False, False, False)
