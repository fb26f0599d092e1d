"""Upgrading keeps the data: a database filled at the oldest migration state of
every app, and again at a middle state, is migrated forward to the newest
migrations (whatever they are on this branch) with every row intact and the
counts that later migrations fill computed from it (django-test-migrations)."""

from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_test_migrations.migrator import Migrator

APPS = (
    "core",
    "accounts",
    "posts",
    "chats",
    "transcripts",
    "mastodon_api",
    "federation",
    "gathering",
)
OLDEST = [
    ("accounts", "0001_initial"),
    ("posts", "0001_initial"),
    ("chats", "0001_initial"),
    ("mastodon_api", "0001_initial"),
]
MIDDLE = [
    ("accounts", "0002_profile_counts"),
    ("posts", "0003_post_author_visible_idx"),
    ("chats", "0002_announcements"),
    ("transcripts", "0001_initial"),
    ("mastodon_api", "0001_initial"),
]
START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def newest() -> list[tuple[str, str]]:
    graph = MigrationLoader(connection).graph
    return sorted(node for node in graph.leaf_nodes() if node[0] in APPS)


def fill_oldest(apps) -> dict:
    User = apps.get_model("accounts", "User")
    Profile = apps.get_model("accounts", "Profile")
    Follow = apps.get_model("accounts", "Follow")
    Post = apps.get_model("posts", "Post")
    Hashtag = apps.get_model("posts", "Hashtag")
    Series = apps.get_model("chats", "Series")
    Event = apps.get_model("chats", "Event")
    Question = apps.get_model("chats", "Question")
    Application = apps.get_model("mastodon_api", "Application")
    Token = apps.get_model("mastodon_api", "Token")

    hana_user = User.objects.create(username="hana", password="argon2$not-a-real-hash")
    pat_user = User.objects.create(username="pat", password="argon2$not-a-real-hash")
    hana = Profile.objects.create(handle="hana", display_name="Hana", avatar="")
    pat = Profile.objects.create(handle="pat", display_name="Pat", avatar="")
    Follow.objects.create(follower=pat, followee=hana)
    tag = Hashtag.objects.create(name="LibChat", name_lower="libchat")
    posts = []
    for n in range(3):
        post = Post.objects.create(author=pat, created_at=START + timedelta(minutes=n))
        post.hashtags.add(tag)
        posts.append(post)
    gone = Post.objects.create(
        author=pat, created_at=START + timedelta(minutes=5), deleted_at=START + timedelta(hours=1)
    )
    series = Series.objects.create(
        hashtag="libchat",
        title="Library chat",
        timezone="Asia/Hong_Kong",
        rrule="FREQ=WEEKLY",
        start_time=time(9, 0),
        start_date=date(2026, 5, 4),
        organiser=hana,
    )
    event = Event.objects.create(
        series=series,
        topic="Catalogues",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        window_ends_at=START + timedelta(hours=2),
    )
    Question.objects.create(event=event, text="What do you catalogue?", offset_minutes=5)
    Question.objects.create(event=event, text="And why?", offset_minutes=20)
    app = Application.objects.create(
        name="Tusky", redirect_uris="urn:ietf:wg:oauth:2.0:oob", client_id="c1", client_secret="s1"
    )
    Token.objects.create(application=app, token_digest="d" * 64, scopes="read write")
    return {
        "users": [hana_user.pk, pat_user.pk],
        "posts": [p.pk for p in posts],
        "gone": gone.pk,
        "event": event.pk,
        "hana": hana.pk,
        "pat": pat.pk,
    }


def test_every_apps_data_survives_the_migrations_to_now(transactional_db):
    migrator = Migrator(database="default")
    try:
        migrator.apply_initial_migration(OLDEST)
        # (That runs a prefix of the whole plan, which may take an app past its
        # first migration: step back to exactly the oldest state.)
        migrator.apply_tested_migration(OLDEST)
        old = MigrationLoader(connection).project_state(OLDEST)
        assert "post_count" not in {
            f.name for f in old.apps.get_model("accounts", "Profile")._meta.fields
        }
        ids = fill_oldest(old.apps)

        middle = migrator.apply_tested_migration(MIDDLE)
        Transcript = middle.apps.get_model("transcripts", "Transcript")
        Entry = middle.apps.get_model("transcripts", "TranscriptEntry")
        Event = middle.apps.get_model("chats", "Event")
        event = Event.objects.get(pk=ids["event"])
        assert event.started_announced_at is None, "the new column starts empty"
        transcript = Transcript.objects.create(event=event)
        for post_id in ids["posts"]:
            Entry.objects.create(transcript=transcript, post_id=post_id, group="")

        now = migrator.apply_tested_migration(newest())
        get = now.apps.get_model
        assert set(get("accounts", "User").objects.values_list("username", flat=True)) == {
            "hana",
            "pat",
        }
        pat = get("accounts", "Profile").objects.get(pk=ids["pat"])
        hana = get("accounts", "Profile").objects.get(pk=ids["hana"])
        # posts 0004 counted what was there: three visible posts, the deleted one not.
        assert pat.post_count == 3
        assert pat.last_post_at == START + timedelta(minutes=2)
        assert (pat.following_count, hana.follower_count) == (1, 1)
        Post = get("posts", "Post")
        assert set(Post.objects.values_list("pk", flat=True)) == {*ids["posts"], ids["gone"]}
        assert Post.objects.get(pk=ids["gone"]).deleted_at is not None
        assert {t.name for t in Post.objects.get(pk=ids["posts"][0]).hashtags.all()} == {"LibChat"}
        event = get("chats", "Event").objects.get(pk=ids["event"])
        assert event.series.hashtag == "libchat" and event.topic == "Catalogues"
        assert list(event.questions.order_by("offset_minutes").values_list("text", flat=True)) == [
            "What do you catalogue?",
            "And why?",
        ]
        entries = get("transcripts", "TranscriptEntry").objects.filter(transcript__event=event)
        assert sorted(entries.values_list("post_id", flat=True)) == sorted(ids["posts"])
        token = get("mastodon_api", "Token").objects.get()
        assert token.application.name == "Tusky" and token.scopes == "read write"
    finally:
        migrator.reset()


def test_every_app_of_hashchat_with_migrations_is_tested_here():
    """A new app with migrations (or a new first state) must be filled above too."""
    graph = MigrationLoader(None).graph
    ours = {app for app, _ in graph.nodes if (settings.BASE_DIR / app / "migrations").is_dir()}
    assert ours == set(APPS)
