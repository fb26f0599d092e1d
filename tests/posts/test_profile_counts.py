"""A profile's counts (posts that are neither deleted nor hidden, the newest one's
time, follows both ways) are kept on its row by the actions, and always equal what
counting the rows gives (posts.stats.recount finds nothing to mend)."""

import importlib
from datetime import timedelta

import time_machine
from django.db import connection
from django.utils import timezone

from accounts import actions as account_actions
from accounts.models import Profile
from mastodon_api import entities
from posts import actions, stats


def counts(profile: Profile) -> tuple:
    profile.refresh_from_db()
    return (profile.post_count, profile.last_post_at)


def test_posts_replies_and_reposts_count_and_deleting_them_uncounts(pat, hana):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        first = actions.create_post(user=pat.user, profile=pat.profile, text="A1 first")
        clock.shift(timedelta(seconds=1))
        theirs = actions.create_post(user=hana.user, profile=hana.profile, text="Q1 #chat")
        clock.shift(timedelta(seconds=1))
        reply = actions.create_post(
            user=pat.user, profile=pat.profile, text="A1 reply", in_reply_to=theirs
        )
        clock.shift(timedelta(seconds=1))
        boost = actions.repost(user=pat.user, profile=pat.profile, post=theirs)
    assert counts(pat.profile) == (3, boost.created_at)
    assert counts(hana.profile) == (1, theirs.created_at)
    assert stats.recount() == 0

    actions.unrepost(user=pat.user, profile=pat.profile, post=theirs)
    assert counts(pat.profile) == (2, reply.created_at)
    actions.delete_post(user=pat.user, post=first)  # not the newest: the time stays
    assert counts(pat.profile) == (1, reply.created_at)
    actions.delete_post(user=pat.user, post=reply)
    assert counts(pat.profile) == (0, None)
    assert stats.recount() == 0


def test_deleting_a_post_takes_its_reposts_from_their_authors_counts(pat, hana, olly):
    theirs = actions.create_post(user=hana.user, profile=hana.profile, text="Q1 #chat")
    actions.repost(user=pat.user, profile=pat.profile, post=theirs)
    actions.repost(user=olly.user, profile=olly.profile, post=theirs)
    assert counts(pat.profile)[0] == counts(olly.profile)[0] == 1
    actions.delete_post(user=hana.user, post=theirs)
    assert counts(pat.profile) == counts(olly.profile) == counts(hana.profile) == (0, None)
    assert stats.recount() == 0


def test_the_status_answered_for_a_new_post_shows_the_new_count(pat):
    actions.create_post(user=pat.user, profile=pat.profile, text="one")
    post = actions.create_post(user=pat.user, profile=pat.profile, text="two")
    status = entities.new_status_entity(post, viewer=pat.profile)
    assert status["account"]["statuses_count"] == 2
    assert status["account"]["last_status_at"] == post.created_at.date().isoformat()


def test_follows_count_both_ways_and_a_block_ends_them(pat, hana, olly):
    account_actions.follow(user=pat.user, profile=pat.profile, target=hana.profile)
    account_actions.follow(user=pat.user, profile=pat.profile, target=hana.profile)  # again
    account_actions.follow(user=olly.user, profile=olly.profile, target=hana.profile)
    account_actions.follow(user=hana.user, profile=hana.profile, target=pat.profile)
    for p in (pat.profile, hana.profile, olly.profile):
        p.refresh_from_db()
    assert (hana.profile.follower_count, hana.profile.following_count) == (2, 1)
    assert (pat.profile.follower_count, pat.profile.following_count) == (1, 1)
    account_actions.unfollow(user=olly.user, profile=olly.profile, target=hana.profile)
    account_actions.unfollow(user=olly.user, profile=olly.profile, target=hana.profile)
    account_actions.block(user=hana.user, profile=hana.profile, target=pat.profile)
    for p in (pat.profile, hana.profile, olly.profile):
        p.refresh_from_db()
    assert [(p.follower_count, p.following_count) for p in (pat.profile, hana.profile)] == [
        (0, 0),
        (0, 0),
    ]
    assert olly.profile.following_count == 0
    assert stats.recount() == 0


def test_recount_mends_counts_that_went_wrong(pat, hana):
    post = actions.create_post(user=pat.user, profile=pat.profile, text="one")
    account_actions.follow(user=hana.user, profile=hana.profile, target=pat.profile)
    Profile.objects.update(post_count=7, last_post_at=None, follower_count=5, following_count=3)
    assert stats.recount([pat.profile.id]) == 1
    pat.profile.refresh_from_db()
    assert (pat.profile.post_count, pat.profile.last_post_at) == (1, post.created_at)
    assert (pat.profile.follower_count, pat.profile.following_count) == (1, 0)
    assert stats.recount() == 1  # hana, left out above
    assert stats.recount() == 0


def test_the_migration_fills_the_counts_as_recount_does(pat, hana):
    actions.create_post(user=pat.user, profile=pat.profile, text="one")
    gone = actions.create_post(user=pat.user, profile=pat.profile, text="two")
    actions.delete_post(user=pat.user, post=gone)
    account_actions.follow(user=hana.user, profile=hana.profile, target=pat.profile)
    Profile.objects.update(post_count=0, last_post_at=None, follower_count=0, following_count=0)
    fill = importlib.import_module("posts.migrations.0004_fill_profile_counts").FILL
    with connection.cursor() as cursor:
        cursor.execute(fill)
    assert stats.recount() == 0
