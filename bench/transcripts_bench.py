"""Benchmark of transcripts (not a test): building, the statistics, the first part of
the page and each export, for events of 10,000 and 100,000 posts.

    .venv/bin/python bench/transcripts_bench.py                  # 10,000 and 100,000
    .venv/bin/python bench/transcripts_bench.py --posts 10000 --participants 300

Each run uses a fresh SQLite data dir (or DATABASE_URL when set). The chat is
written in bulk (bulk_create: the posts, their hashtag, their ChatPost links,
reposts) rather than through the actions, so seeding 100,000 posts takes seconds;
its shape is a real chat's: five questions, about 70% answers with the hashtag
(A1..A5), 25% replies without it in their threads, 5% reposts, a link in one
post in twenty. It prints a Markdown table row per size; the targets are 2 s
for 10,000 posts and 15 s for 100,000 (build plus page).
"""

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

START = datetime(2027, 2, 2, 11, 0, tzinfo=UTC)


def setup() -> None:
    os.environ.setdefault("HASHCHAT_DATA_DIR", tempfile.mkdtemp(prefix="hashchat-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "hashchat.settings"
    from hashchat.cli import migrate, setup_django

    setup_django()
    migrate()


def seed(posts: int, participants: int, seed_value: int = 42) -> int:
    """Write a chat of about `posts` posts; return the event id."""
    from accounts.models import Profile
    from chats.models import ChatPost, Event, Question, Series
    from core.ids import next_id
    from posts.models import Hashtag, Post

    rng = random.Random(seed_value)
    n = Profile.objects.count()
    host = Profile.objects.create(handle=f"host{n}", display_name="Host", kind="organisation")
    people = Profile.objects.bulk_create(
        [
            Profile(
                handle=f"p{n}_{i}",
                display_name=f"Person {i}",
                location=rng.choice(["Hong Kong", "Sydney", "Copenhagen", "Perth", ""]),
                exclude_from_transcripts=i % 97 == 0,
            )
            for i in range(participants)
        ]
    )
    tag = f"benchchat{n}"
    series = Series.objects.create(
        hashtag=tag,
        title="Bench chat",
        organiser=host,
        timezone="Asia/Hong_Kong",
        rrule="FREQ=MONTHLY;BYDAY=1TU",
        start_time=datetime(2027, 1, 1, 19, 0).time(),
        start_date=START.date(),
    )
    event = Event.objects.create(
        series=series,
        topic="Benchmark",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        window_ends_at=START + timedelta(hours=73),
        state=Event.State.ENDED,
    )
    hashtag = Hashtag.objects.create(name=tag, name_lower=tag)
    rows: list[Post] = []
    links: list[tuple[int, int | None]] = []  # (post id, question number)
    questions = []
    for number in range(1, 6):
        at = START + timedelta(minutes=number * 10 - 5)
        post = Post(
            id=next_id(),
            author=host,
            text=f"Q{number} What do you think? #{tag}",
            html=f"<p>Q{number} What do you think? #{tag}</p>",
            created_at=at,
        )
        post.thread_root_id = post.id
        rows.append(post)
        questions.append(
            Question(
                event=event,
                kind="question",
                number=number,
                text="?",
                offset_minutes=number * 10 - 5,
                post_id=post.id,
                posted_at=at,
            )
        )
        links.append((post.id, number))
    originals: list[Post] = list(rows)
    reposts = 0
    for i in range(posts - 5):
        minute = rng.random() * 60 if i < posts * 0.9 else 60 + rng.random() * 600
        at = START + timedelta(minutes=minute)
        author = rng.choice(people)
        kind = rng.random()
        if kind < 0.05 and originals:
            target = rng.choice(originals)
            if target.author_id != author.id:
                rows.append(
                    Post(id=next_id(), author=author, repost_of_id=target.id, created_at=at)
                )
                reposts += 1
                continue
        number = min(5, 1 + int(minute // 10)) if minute < 60 else rng.randint(1, 5)
        url = f" https://example.org/r/{rng.randint(1, 200)}" if rng.random() < 0.05 else ""
        if kind < 0.30 and len(originals) > 10:
            parent = rng.choice(originals[-200:])
            text = f"Reply {i}: I agree{url}"
            post = Post(
                id=next_id(),
                author=author,
                text=text,
                html=f"<p>{text}</p>",
                created_at=at,
                in_reply_to_id=parent.id,
                thread_root_id=parent.thread_root_id,
                like_count=rng.randint(0, 3),
            )
            links.append((post.id, None))
        else:
            text = f"A{number} answer number {i}{url} #{tag}"
            post = Post(
                id=next_id(),
                author=author,
                text=text,
                html=f"<p>{text}</p>",
                created_at=at,
                like_count=rng.randint(0, 12),
                repost_count=rng.randint(0, 4),
            )
            post.thread_root_id = post.id
            links.append((post.id, number))
        rows.append(post)
        originals.append(post)
    rows.sort(key=lambda p: p.created_at)
    Post.objects.bulk_create(rows, batch_size=2000)
    Question.objects.bulk_create(questions)
    by_number = {q.number: q.id for q in Question.objects.filter(event=event)}
    Post.hashtags.through.objects.bulk_create(
        [
            Post.hashtags.through(post_id=p.id, hashtag_id=hashtag.id)
            for p in rows
            if p.text.endswith(f"#{tag}")
        ],
        batch_size=5000,
    )
    ChatPost.objects.bulk_create(
        [
            ChatPost(post_id=pid, event=event, question_id=by_number.get(number), via="prefix")
            for pid, number in links
        ],
        batch_size=5000,
    )
    return event.id


def measure(event_id: int) -> dict[str, float]:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from chats.models import Event
    from transcripts import exports, standalone
    from transcripts.building import build
    from transcripts.parts import page_part
    from transcripts.statistics import compute

    event = Event.objects.select_related("series").get(pk=event_id)
    times: dict[str, float] = {}

    t = time.perf_counter()
    built = build(event)
    times["build"] = time.perf_counter() - t
    t = time.perf_counter()
    stats = compute(built)
    times["stats"] = time.perf_counter() - t
    t = time.perf_counter()
    page = page_part(built, public=True, number=1)
    request = RequestFactory().get("/")
    render_to_string(
        "transcripts/_part.html",
        {
            "blocks": page.blocks,
            "series": event.series,
            "host": False,
            "part": 1,
            "parts": page.parts,
            "next_part": 2,
            "base": "/",
        },
        request=request,
    )
    times["page part"] = time.perf_counter() - t
    times["posts"] = len(built.items) + len(built.reposts)
    for name, make in [
        ("markdown", lambda: exports.markdown(built, stats)),
        ("html", lambda: standalone.standalone_html(built, stats)),
        ("json", lambda: exports.as_json(built, stats)),
        ("csv", lambda: exports.as_csv(built)),
    ]:
        t = time.perf_counter()
        make()
        times[name] = time.perf_counter() - t
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, action="append")
    parser.add_argument("--participants", type=int, default=300)
    args = parser.parse_args()
    setup()
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {platform.node()} · {cpu} · {os.cpu_count()} cores · load {load}")
    print(f"Python {platform.python_version()} · {connection.vendor}")
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n")
    columns = ["posts", "build", "statistics", "page (part 1)", "build + stats + page"]
    columns += ["Markdown", "HTML file", "JSON", "CSV", "seeding"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for size in args.posts or [10_000, 100_000]:
        t = time.perf_counter()
        event_id = seed(size, max(args.participants, size // 30))
        seeded = time.perf_counter() - t
        r = measure(event_id)
        total = r["build"] + r["stats"] + r["page part"]
        cells = [f"{int(r['posts']):,}"]
        cells += [f"{r[k]:.2f} s" for k in ("build", "stats", "page part")]
        cells.append(f"**{total:.2f} s**")
        cells += [f"{r[k]:.2f} s" for k in ("markdown", "html", "json", "csv")]
        cells.append(f"{seeded:.1f} s")
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
