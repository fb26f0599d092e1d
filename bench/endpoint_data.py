"""The data the endpoints benchmark (bench/endpoints_bench.py) reads: a live chat with
a question holding 100 answers, a viewer who follows people and hashtags, reposts,
likes and mentions for the viewer's notifications, and `posts` posts in all, the bulk
of them older history written straight into the tables (the actions layer posts about
a hundred a second; a million would take hours).

The bulk rows are what the actions would have written for plain posts: the post row,
its hashtag links, and afterwards the profile counts recounted (posts.stats.recount)
and, on PostgreSQL, VACUUM ANALYZE as autovacuum would have run.
"""

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

PASSWORD = "Bench-Password-42"
TAG = "benchchat"
OTHER_TAGS = ["libraries", "reading", "archives", "openaccess"]
USERS = 40
FOLLOWED = 20  # the viewer (bench0) follows bench1..bench20
ANSWERS = 200  # every second one replies to Q1: a question with 100 replies


def seed(posts: int, log=print) -> dict:
    """Seed the configured database; what the benchmark needs to know comes back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts import actions as account_actions
    from chats import actions as chat_actions
    from chats import scheduler
    from posts import actions as post_actions
    from posts import reactions
    from posts.models import Hashtag, Post

    started = time.monotonic()
    users = [
        account_actions.sign_up(
            username=f"bench{i}", email=f"bench{i}@example.org", password=PASSWORD
        )
        for i in range(USERS)
    ]
    profiles: list[Any] = [u.personal_profile for u in users]
    viewer_user, viewer = users[0], profiles[0]
    for target in profiles[1 : FOLLOWED + 1]:
        account_actions.follow(user=viewer_user, profile=viewer, target=target)
    post_actions.follow_tag(user=viewer_user, profile=viewer, name=OTHER_TAGS[0])

    # History first (older than everything the actions write below), so that ids stay
    # in time order as they would on a real server.
    bulk = max(0, posts - ANSWERS - 400)
    _bulk_posts(bulk, [p.id for p in profiles], log)
    from posts import stats

    stats.recount()

    host_user, host = users[-1], profiles[-1]
    series = chat_actions.create_series(
        user=host_user, organiser=host, hashtag=TAG, title="Bench chat", timezone="UTC",
        rrule="FREQ=DAILY", start_time="10:00",
    )  # fmt: skip
    event = chat_actions.create_event(
        user=host_user,
        series=series,
        starts_at=timezone.now() - timedelta(seconds=5),
        topic="Bench",
        # Real questions: an event whose questions are placeholders stays a draft.
        questions=[
            {
                "kind": "question",
                "text": f"What would you ask about libraries, part {n}?",
                "offset": 0 if n == 1 else 50 + n,
            }
            for n in range(1, 6)
        ],  # fmt: skip
    )
    scheduler.run_due(now=timezone.now(), worker="bench")
    question = event.questions.get(number=1)
    q1 = question.post
    assert q1 is not None, "Q1 was not posted"
    rng = random.Random(19)
    answers = []
    for n in range(ANSWERS):
        i = 1 + n % (USERS - 1)
        answers.append(
            post_actions.create_post(
                user=users[i],
                profile=profiles[i],
                in_reply_to=q1 if n % 2 else None,
                text=f"A1 answer {n} from bench{i}, naming @bench0 #{TAG}",
            )  # fmt: skip
        )
    # Reposts by the people the viewer follows, likes of the viewer's posts.
    mine = [
        post_actions.create_post(user=viewer_user, profile=viewer, text=f"Viewer post {n} #{TAG}")
        for n in range(20)
    ]
    for i in range(1, FOLLOWED + 1):
        for post in rng.sample(answers, 5):
            if post.author_id != profiles[i].id:
                reactions.repost(user=users[i], profile=profiles[i], post=post)
        for post in rng.sample(mine, 4):
            reactions.like(user=users[i], profile=profiles[i], post=post)
    if connection.vendor == "postgresql":
        with transaction.atomic():
            pass
        connection.cursor().execute("VACUUM ANALYZE")
    total = Post.objects.count()
    log(f"seeded {total} posts in {time.monotonic() - started:.0f} s")
    return {
        "event": event.id,
        "hashtag": series.hashtag,
        "q1": q1.id,
        "answers": [a.id for a in answers],
        "posts": total,
        "tag_id": Hashtag.objects.get(name_lower=TAG).id,
    }


def _bulk_posts(count: int, authors: list[int], log) -> None:
    """`count` plain public posts over the last 90 days, a third with the chat's hashtag,
    a third with another; one INSERT per 5,000 rows."""
    if count <= 0:
        return
    from django.db import connection, transaction
    from django.utils import timezone

    from core.ids import EPOCH_MS
    from posts import actions as post_actions
    from posts.models import Post

    tags = [post_actions.get_or_create_hashtag(name).id for name in [TAG, *OTHER_TAGS]]
    fields = [f for f in Post._meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    post_sql = f"INSERT INTO {Post._meta.db_table} ({columns}) VALUES ({marks})"
    through = Post.hashtags.through._meta.db_table
    link_sql = f"INSERT INTO {through} (post_id, hashtag_id) VALUES (%s, %s)"
    defaults = {f.attname: f.get_default() for f in fields}
    rng = random.Random(7)
    now = timezone.now()
    span_ms = 90 * 24 * 3600 * 1000
    start_ms = int(now.timestamp() * 1000) - span_ms - 60_000
    step = span_ms / count
    batch = 5000
    done = 0
    # Bulk ids use process tag 1023, which no running process is handed first.
    while done < count:
        rows, links = [], []
        for n in range(done, min(count, done + batch)):
            ms = int(start_ms + n * step)
            pid = ((ms - EPOCH_MS) << 22) | (1023 << 12) | (n & 0xFFF)
            created = datetime.fromtimestamp(ms / 1000, tz=UTC)
            author = authors[rng.randrange(len(authors))]
            tag = tags[n % 3] if n % 3 < 2 else None
            text = f"History post {n}" + (" #tagged" if tag else "")
            values = dict(defaults)
            values.update(
                id=pid, author_id=author, text=text, html=f"<p>{text}</p>",
                visibility="public", created_at=created, thread_root_id=pid, local=True,
            )  # fmt: skip
            rows.append([f.get_db_prep_save(values[f.attname], connection) for f in fields])
            if tag is not None:
                links.append((pid, tag if tag == tags[0] else tags[1 + n % len(OTHER_TAGS)]))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(post_sql, rows)
            if links:
                cursor.executemany(link_sql, links)
        done += len(rows)
        if done % 100_000 < batch:
            log(f"  {done:,} of {count:,} history posts")
