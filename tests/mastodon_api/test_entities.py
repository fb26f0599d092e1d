import gc
import json

from mastodon_api import entities
from posts import actions as post_actions
from posts.models import Notification


def test_a_status_has_every_mastodon_field(hana, pat):
    post = post_actions.create_post(
        user=hana.user, profile=hana.profile, text="Q1 hello #AusLibChat @pat"
    )
    reply = post_actions.create_post(
        user=pat.user, profile=pat.profile, text="A1 hi", in_reply_to=post
    )
    status = entities.status_entity(reply, viewer=pat.profile)
    assert status["id"] == str(reply.id)
    assert status["in_reply_to_id"] == str(post.id)
    assert status["in_reply_to_account_id"] == str(hana.profile.id)
    assert status["account"]["username"] == "pat"
    assert status["favourited"] is False and status["bookmarked"] is False
    post.refresh_from_db()
    original = entities.status_entity(post)
    # Kept parts are shared between requests: their lists are tuples.
    assert original["tags"] == (
        {"name": "auslibchat", "url": "http://127.0.0.1:8000/tags/auslibchat"},
    )
    assert original["emojis"] == () and original["media_attachments"] == ()
    assert original["mentions"][0]["acct"] == "pat"
    assert original["replies_count"] == 1
    assert "favourited" not in original
    assert original["account"]["statuses_count"] == 1
    assert original["created_at"].endswith("Z")


def test_viewer_neutral_output_is_deterministic(hana):
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="#x hi")
    assert json.dumps(entities.status_entity(post)) == json.dumps(entities.status_entity(post))


def test_a_repost_nests_the_original_and_flags_the_viewer(hana, pat):
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="hello #x")
    row = post_actions.repost(user=pat.user, profile=pat.profile, post=post)
    post_actions.like(user=pat.user, profile=pat.profile, post=post)
    status = entities.status_entity(row, viewer=pat.profile)
    assert status["content"] == ""
    assert status["reblog"]["id"] == str(post.id)
    assert status["reblog"]["favourited"] is True
    assert status["reblog"]["reblogged"] is True


def test_statuses_cost_a_fixed_number_of_queries(hana, pat, django_assert_max_num_queries):
    posts = [
        post_actions.create_post(user=hana.user, profile=hana.profile, text=f"#x post {i} @pat")
        for i in range(30)
    ]
    loaded = list(entities.status_queryset().filter(id__in=[p.id for p in posts]))
    with django_assert_max_num_queries(4):
        built = entities.status_entities(loaded, viewer=pat.profile)
    assert len(built) == 30


def test_notifications_and_relationships(hana, pat):
    from accounts import actions as account_actions

    account_actions.follow(user=pat.user, profile=pat.profile, target=hana.profile)
    note = Notification.objects.select_related("actor").get(recipient=hana.profile)
    entity = entities.notification_entity(note, hana.profile)
    assert entity["type"] == "follow"
    assert entity["account"]["id"] == str(pat.profile.id)
    rel = entities.relationship_entity(pat.profile, hana.profile)
    assert rel["following"] is True and rel["followed_by"] is False
    assert entities.account_entity(hana.profile)["followers_count"] == 1


def test_a_kept_status_part_leaves_little_for_the_cycle_collector(hana):
    """Kept parts live long, and the cycle collector walks what they hold in every full
    collection: a post without mentions, attachments or emojis holds none it walks."""
    post = post_actions.create_post(user=hana.user, profile=hana.profile, text="#x hi")
    status = entities.status_entity(post)
    for field in ("mentions", "media_attachments", "emojis"):
        assert status[field] == ()
        assert not gc.is_tracked(status[field])
