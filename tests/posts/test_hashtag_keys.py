"""Hashtags compare by NFKC and case folding (core.hashtags.tag_key), not by
ASCII-only lower case: #café, #CAFÉ and #cafe + combining accent are one tag for
series uniqueness, post hashtags, tag timelines, tag pages, follows and linking."""

import importlib
from datetime import time

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from accounts.models import Profile
from chats import actions as chat_actions
from chats.models import Series
from chats.queries import series_by_hashtag
from core.errors import Conflict
from core.hashtags import tag_key
from posts import actions
from posts.models import Hashtag, Post, TagFollow

DECOMPOSED = "cafe\u0301"  # "e" + COMBINING ACUTE ACCENT


@pytest.mark.parametrize(
    "a,b",
    [
        ("café", "CAFÉ"),
        ("café", DECOMPOSED),
        ("Ǆtag", "ǆtag"),
        ("Ǆtag", "ǅtag"),
        ("straße", "STRASSE"),
        ("ＣＡＦＥ", "cafe"),
        ("#AusLibChat", "auslibchat"),
        ("ΣΊΣΥΦΟΣ", "σίσυφος"),
    ],
)
def test_one_key_for_each_way_of_writing_a_tag(a, b):
    assert tag_key(a) == tag_key(b)


def test_different_tags_keep_different_keys():
    assert tag_key("cafe") != tag_key("café")
    assert tag_key("libchat") != tag_key("lib_chat")


@pytest.mark.parametrize("first,second", [("café", "CAFÉ"), ("Ǆtag", "ǆtag"), ("café", DECOMPOSED)])
def test_a_series_hashtag_is_unique_beyond_ascii(hana, ngac, first, second):
    make_series(hana, ngac, first)
    with pytest.raises(Conflict):
        make_series(hana, ngac, second)
    assert Series.objects.count() == 1
    assert series_by_hashtag(second).hashtag == first


def make_series(hana, ngac, hashtag):
    return chat_actions.create_series(
        user=hana.user,
        organiser=ngac,
        hashtag=hashtag,
        title="A chat",
        timezone="UTC",
        rrule="FREQ=WEEKLY",
        start_time=time(19, 0),
    )


def post(person, text) -> Post:
    return actions.create_post(user=person.user, profile=person.profile, text=text)


def test_posts_share_one_hashtag_row_and_one_timeline(pat, olly):
    posts = [post(pat, "#Café one"), post(olly, "#CAFÉ two"), post(pat, "#ＣＡＦÉ three")]
    assert Hashtag.objects.count() == 1
    assert Hashtag.objects.get().name == "Café"
    for name in ("café", "CAFÉ", DECOMPOSED):
        timeline = Client().get(f"/api/v1/timelines/tag/{name}").json()
        assert {s["id"] for s in timeline} == {str(p.id) for p in posts}, name
    page = Client().get("/tags/CAFÉ/")
    assert page.status_code == 200
    assert all(f"/posts/{p.id}/" in page.content.decode() for p in posts)
    # The links in a post lead to the one tag page.
    assert 'href="/tags/caf%C3%A9"' in posts[1].html


def test_a_tag_followed_in_one_case_is_followed_in_all(pat, olly):
    actions.follow_tag(user=pat.user, profile=pat.profile, name="STRASSE")
    post(olly, "Heute #straße")
    follow = TagFollow.objects.get(profile=pat.profile)
    assert follow.hashtag.posts.count() == 1
    actions.unfollow_tag(user=pat.user, profile=pat.profile, name="Straße")
    assert not TagFollow.objects.exists()


def test_the_migration_merges_tags_that_now_share_a_key(pat, olly):
    migration = importlib.import_module("posts.migrations.0006_hashtag_keys")
    first = Hashtag.objects.create(name="straße", name_lower="straße")
    second = Hashtag.objects.create(name="STRASSE", name_lower="strasse")
    composed = Hashtag.objects.create(name="Café", name_lower="café")
    decomposed = Hashtag.objects.create(name=DECOMPOSED, name_lower=DECOMPOSED)
    a = Post.objects.create(author=pat.profile, text="#straße", created_at=timezone.now())
    b = Post.objects.create(author=olly.profile, text="#STRASSE #Café", created_at=timezone.now())
    a.hashtags.set([first])
    b.hashtags.set([second, composed, decomposed])
    TagFollow.objects.create(profile=pat.profile, hashtag=first)
    TagFollow.objects.create(profile=pat.profile, hashtag=second)
    TagFollow.objects.create(profile=olly.profile, hashtag=second)

    migration.normalise(apps, None)

    assert sorted(Hashtag.objects.values_list("name_lower", flat=True)) == ["café", "strasse"]
    street = Hashtag.objects.get(name_lower="strasse")
    assert street.pk == first.pk
    assert set(street.posts.all()) == {a, b}
    assert set(TagFollow.objects.filter(hashtag=street).values_list("profile", flat=True)) == {
        pat.profile.pk,
        olly.profile.pk,
    }
    assert set(b.hashtags.values_list("name_lower", flat=True)) == {"café", "strasse"}


def test_the_series_migration_fills_keys_without_failing_on_old_duplicates(hana, ngac):
    migration = importlib.import_module("chats.migrations.0004_series_hashtag_key")
    one = make_series(hana, ngac, "café")
    Series.objects.filter(pk=one.pk).update(hashtag_key="")
    organiser = Profile.objects.get(pk=ngac.pk)
    two = Series.objects.create(
        hashtag="CAFÉ",
        title="t",
        organiser=organiser,
        timezone="UTC",
        rrule="FREQ=WEEKLY",
        start_time=time(9, 0),
        start_date=one.start_date,
        hashtag_key="x",
    )
    Series.objects.filter(pk=two.pk).update(hashtag_key="y")
    migration.fill_keys(apps, None)
    keys = dict(Series.objects.values_list("pk", "hashtag_key"))
    assert keys[one.pk] == "café" and keys[two.pk] == f"café~{two.pk}"
