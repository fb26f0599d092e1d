"""Statistics of a built transcript, and the trend across a series' events.

What is counted (docs/transcripts.md says the same):
- posts: every post of the transcript (originals and replies), plus the reposts of
  them made inside the window; withheld posts and posts a host hid are counted.
- participants: the distinct profiles that wrote a post of the transcript or
  reposted one; withheld authors are counted.
- new / returning: a participant is returning when they took part in an earlier
  event of the same series (by start time, drafts left out), new otherwise.
- posts per question: the posts under each question as its group on the page
  shows them (replies included; the question itself and hidden posts not), so
  the two figures are the same.
- the named lists (top contributors, most liked, most reposted, locations, links)
  leave out withheld posts and authors and the posts a host hid; most liked and
  most reposted leave out the questions themselves.
- places: "London" and "London, United Kingdom" are one place (the part before
  the first comma, case and spacing aside), named as most participants wrote it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from chats.models import Event, Series
from posts import parsing
from transcripts.building import build
from transcripts.contents import Built, Item
from transcripts.models import Transcript

TOP_N = 10
MOST_N = 5


@dataclass
class Link:
    url: str
    count: int
    # The first post that shared it (not withheld, not hidden).
    first: Item


@dataclass
class GroupCount:
    key: str
    label: str
    posts: int
    participants: int


@dataclass
class Contributor:
    handle: str
    name: str
    posts: int


@dataclass
class Stats:
    posts: int
    originals: int
    replies: int
    reposts: int
    participants: int
    new_participants: int
    returning_participants: int
    per_group: list[GroupCount]
    top_contributors: list[Contributor]
    most_liked: list[Item]
    most_reposted: list[Item]
    locations: list[tuple[str, int]]
    links: list[Link]
    # Posts (originals and replies) in each minute of the hour, from the start.
    per_minute: list[int] = field(default_factory=list)
    # (minute, label) of each question, the welcome and the closing post.
    markers: list[tuple[int, str]] = field(default_factory=list)
    after_the_hour: int = 0

    def as_dict(self) -> dict:
        return {
            "posts": self.posts,
            "originals": self.originals,
            "replies": self.replies,
            "reposts": self.reposts,
            "participants": self.participants,
            "new_participants": self.new_participants,
            "returning_participants": self.returning_participants,
            "posts_per_group": [
                {"group": g.key, "label": g.label, "posts": g.posts, "participants": g.participants}
                for g in self.per_group
            ],
            "top_contributors": [
                {"handle": c.handle, "name": c.name, "posts": c.posts}
                for c in self.top_contributors
            ],
            "most_liked": [{"id": str(i.id), "likes": i.like_count} for i in self.most_liked],
            "most_reposted": [
                {"id": str(i.id), "reposts": i.repost_count} for i in self.most_reposted
            ],
            "locations": [{"location": loc, "participants": n} for loc, n in self.locations],
            "links": [
                {"url": lk.url, "count": lk.count, "first_post": str(lk.first.id)}
                for lk in self.links
            ],
            "posts_per_minute": self.per_minute,
            "posts_after_the_hour": self.after_the_hour,
        }


def participant_ids(event: Event) -> set[int]:
    """The profiles that took part in `event` (stored once its transcript froze)."""
    stored = (
        Transcript.objects.filter(event=event, frozen_at__isnull=False)
        .values_list("participant_ids", flat=True)
        .first()
    )
    if stored is not None:
        return set(stored)
    return built_participants(build(event))


def built_participants(built: Built) -> set[int]:
    return {i.author_id for i in built.items.values()} | {r.author_id for r in built.reposts}


def earlier_participants(event: Event) -> set[int]:
    seen: set[int] = set()
    earlier = Event.objects.filter(
        series_id=event.series_id, starts_at__lt=event.starts_at
    ).exclude(state=Event.State.DRAFT)
    for other in earlier.select_related("series"):
        seen |= participant_ids(other)
    return seen


def place_name(location: str) -> str:
    """ "London, United Kingdom" -> "London" (spaces collapsed)."""
    return " ".join(location.split(",", 1)[0].split())


def place_key(location: str) -> str:
    return place_name(location).casefold()


def _minute(start: datetime, moment: datetime) -> int:
    return int((moment - start).total_seconds() // 60)


def compute(built: Built) -> Stats:
    items = list(built.items.values())
    event = built.event
    everyone = built_participants(built)
    earlier = earlier_participants(event)
    named = [i for i in items if not i.withheld and not i.omitted]
    # The questions themselves (a group's heading) are not ranked with the answers.
    answers = [i for i in named if not i.heading_of]

    per_group = []
    for group in built.groups:
        posts = group.shown()
        per_group.append(
            GroupCount(group.key, group.label, len(posts), len({i.author_id for i in posts}))
        )

    counts = Counter(i.author_id for i in named)
    names = {i.author_id: (i.handle, i.name) for i in named}
    top = sorted(counts.items(), key=lambda kv: (-kv[1], names[kv[0]][0].lower()))[:TOP_N]

    located: set[int] = set()
    people = [(i.author_id, i.location) for i in named]
    people += [(r.author_id, r.location) for r in built.reposts if not r.withheld]
    places: dict[str, Counter[str]] = {}
    for author_id, location in people:
        key = place_key(location)
        if author_id in located or not key:
            continue
        located.add(author_id)
        places.setdefault(key, Counter())[place_name(location)] += 1
    locations: Counter[str] = Counter()
    for spellings in places.values():
        name = sorted(spellings.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0][0]
        locations[name] = sum(spellings.values())

    links: dict[str, Link] = {}
    for item in named:
        if "://" not in item.text:
            continue
        for entity in parsing.find_entities(item.text):
            if entity.kind != "url":
                continue
            if entity.value in links:
                links[entity.value].count += 1
            else:
                links[entity.value] = Link(entity.value, 1, item)

    minutes = max(1, _minute(event.starts_at, event.ends_at))
    per_minute = [0] * minutes
    after = 0
    for item in items:
        m = _minute(event.starts_at, item.created_at)
        if 0 <= m < minutes:
            per_minute[m] += 1
        elif item.created_at >= event.ends_at:
            after += 1
    markers = [
        (_minute(event.starts_at, q.posted_at), q.label)
        for q in built.questions
        if q.posted_at is not None and 0 <= _minute(event.starts_at, q.posted_at) < minutes
    ]

    return Stats(
        posts=len(items) + len(built.reposts),
        originals=sum(1 for i in items if not i.is_reply),
        replies=sum(1 for i in items if i.is_reply),
        reposts=len(built.reposts),
        participants=len(everyone),
        new_participants=len(everyone - earlier),
        returning_participants=len(everyone & earlier),
        per_group=per_group,
        top_contributors=[Contributor(names[a][0], names[a][1], n) for a, n in top],
        most_liked=sorted(
            (i for i in answers if i.like_count), key=lambda i: (-i.like_count, i.id)
        )[:MOST_N],
        most_reposted=sorted(
            (i for i in answers if i.repost_count), key=lambda i: (-i.repost_count, i.id)
        )[:MOST_N],
        locations=sorted(locations.items(), key=lambda kv: (-kv[1], kv[0].lower())),
        links=sorted(links.values(), key=lambda lk: (-lk.count, lk.first.id)),
        per_minute=per_minute,
        markers=sorted(markers),
        after_the_hour=after,
    )


@dataclass
class TrendPoint:
    event: Event
    participants: int
    returning: int

    @property
    def share_returning(self) -> float:
        return self.returning / self.participants if self.participants else 0.0

    @property
    def percent_returning(self) -> int:
        return round(100 * self.share_returning)


def series_trend(series: Series, now: datetime | None = None) -> list[TrendPoint]:
    """Participants per event and the share returning, for the events that have begun."""
    now = now or timezone.now()
    events = (
        Event.objects.filter(series=series, starts_at__lte=now)
        .exclude(state=Event.State.DRAFT)
        .select_related("series")
        .order_by("starts_at")
    )
    seen: set[int] = set()
    points = []
    for event in events:
        people = participant_ids(event)
        points.append(TrendPoint(event, len(people), len(people & seen)))
        seen |= people
    return points
