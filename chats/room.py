"""What the chat room shows: the event's posts, the question of the moment, and one
shape for a post ("a room item") used by the server-rendered page, the JSON
endpoints and, through the stream's Status JSON, room.js."""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import Http404

from accounts.models import Membership, Profile
from chats.models import ChatPost, Event, Question, Series
from chats.permissions import host_profile_ids
from core.hashtags import tag_key
from core.sqlrows import Selection, in_list
from posts import parsing, status_rows
from posts.models import Hashtag, Post

# The room shows each post as the Mastodon API's Status (room.js reads the same
# shape from the stream). That layer sits above chats: it registers its builder
# (posts, viewer, base URL -> Status dicts) in its AppConfig.ready().
StatusRenderer = Callable[[list[Post], Profile | None, str], list[dict[str, Any]]]
_status_renderer: list[StatusRenderer] = []


def render_statuses_with(renderer: StatusRenderer) -> None:
    _status_renderer[:] = [renderer]


def render_statuses(posts: list[Post], viewer: Profile | None) -> list[dict[str, Any]]:
    if not _status_renderer:
        raise RuntimeError("No app renders statuses for the chat room (mastodon_api does).")
    return _status_renderer[0](posts, viewer, settings.BASE_URL)


PAGE_SIZE = 40
# How many posts the room page renders; older ones load on request (30 at a time).
ROOM_SHOWN = 30


@functools.cache
def _event_query() -> tuple[str, Selection, Selection, Selection]:
    event, series, organiser = (
        Selection(Event, "e"),
        Selection(Series, "s"),
        Selection(Profile, "o"),
    )
    sql = (
        f"SELECT {event.sql}, {series.sql}, {organiser.sql} FROM {Event._meta.db_table} e"
        f" JOIN {Series._meta.db_table} s ON s.id = e.series_id"
        f" JOIN {Profile._meta.db_table} o ON o.id = s.organiser_id"
        " WHERE e.id = %s AND s.hashtag_key = %s AND s.is_public = %s AND e.state <> %s"
    )
    return sql, event, series, organiser


def get_event(hashtag: str, event_id: int) -> Event:
    """The public, non-draft event `event_id` of #hashtag, its series and organiser
    loaded, else 404. Every room request asks: one query in plain SQL, where the ORM
    took a millisecond to build it (tests/chats/test_room_page_sql.py holds the two
    equal)."""
    sql, event, series, organiser = _event_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [event_id, tag_key(hashtag), True, Event.State.DRAFT])
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such chat event.")
    found = event.instance(row, 0)
    found.series = series.instance(row, event.width)
    found.series.organiser = organiser.instance(row, event.width + series.width)
    return found


def host_ids(event: Event) -> set[int]:
    return host_profile_ids(event.series)


def _managed_hosts(user, ids):
    return Membership.objects.filter(user=user, profile_id__in=ids, profile__is_suspended=False)


def may_host(user, hosts: set[int]) -> bool:
    """Whether `user` may act as one of the host profiles `hosts` (host_ids): any
    manager of the hosting organisation moderates, whatever profile they post as.
    One query; hosting_profile says which profile."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return _managed_hosts(user, hosts).exists()


def hosting_profile(user, event: Event) -> Profile | None:
    """The host profile (organiser first, then co-hosts) that `user` may act as:
    any manager of the hosting organisation moderates, whatever profile they
    are posting as."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    ids = [event.series.organiser_id, *event.series.cohosts.values_list("id", flat=True)]
    mine = set(_managed_hosts(user, ids).values_list("profile_id", flat=True))
    for pid in ids:
        if pid in mine:
            return Profile.objects.get(pk=pid)
    return None


def question_links(event: Event, post_ids: list[int]) -> tuple[dict[int, int | None], set[int]]:
    """For the posts among `post_ids` linked to the event: the number of the question
    each answers (None for none), and which posts are the event's questions
    themselves. One query in plain SQL (asked for every page of the room)."""
    if not post_ids:
        return {}, set()
    linked, linked_params = in_list("c.post_id", post_ids)
    asked, asked_params = in_list("q.post_id", post_ids)
    questions = Question._meta.db_table
    sql = (
        f"SELECT c.post_id, q.number, 0 FROM {ChatPost._meta.db_table} c"
        f" LEFT JOIN {questions} q ON q.id = c.question_id WHERE c.event_id = %s AND {linked}"
        f" UNION ALL SELECT q.post_id, NULL, 1 FROM {questions} q"
        f" WHERE q.event_id = %s AND {asked}"
    )
    numbers: dict[int, int | None] = {}
    asking: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(sql, [event.id, *linked_params, event.id, *asked_params])
        for post_id, number, is_question in cursor.fetchall():
            if is_question:
                asking.add(post_id)
            else:
                numbers[post_id] = number
    return numbers, asking


def room_items(
    event: Event,
    posts: list[Post],
    viewer: Profile | None = None,
    *,
    hosts: set[int] | None = None,
) -> list[dict[str, Any]]:
    """The room's shape of each post: its Status plus the question it answers and
    whether a host wrote it. `hosts`: the event's host profile ids, when the caller
    has read them already (host_ids)."""
    statuses = render_statuses(posts, viewer)
    originals = [p.repost_of_id or p.id for p in posts]
    numbers, asking = question_links(event, originals)
    hosts_shown = {str(pid) for pid in (host_ids(event) if hosts is None else hosts)}
    contexts = reply_contexts(posts, viewer)
    items = [
        room_item(status, numbers.get(original), hosts_shown, asks=original in asking)
        for status, original in zip(statuses, originals, strict=True)
    ]
    for item in items:
        parent = item["shown"].get("in_reply_to_id")
        item["reply_to"] = contexts.get(int(parent)) if parent else None
    return items


EXCERPT_CHARS = 90


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def reply_contexts(posts: list[Post], viewer: Profile | None) -> dict[int, dict[str, str]]:
    """What a reply answers, by the parent's id: its author and first words (the
    room shows them as a quoted line with a link), for parents the viewer may see."""
    wanted = {
        (p.repost_of.in_reply_to_id if p.repost_of_id and p.repost_of else p.in_reply_to_id)
        for p in posts
    } - {None}
    if not wanted:
        return {}
    parents = (
        Post.objects.visible().not_hidden_for(viewer).filter(pk__in=wanted).select_related("author")
    )
    return {
        p.id: {"id": str(p.id), "acct": p.author.handle, "excerpt": excerpt(p.text)}
        for p in parents
    }


QUESTION_PREFIX = re.compile(r"^\s*(?:<p>)?\s*Q(\d+)\b", re.IGNORECASE)


def room_item(
    status: dict[str, Any], question: int | None, hosts: set[str], *, asks: bool = False
) -> dict[str, Any]:
    """`asks`: the post is the question itself (a host's "Q4 ..."), so it is badged
    Q4, not A4."""
    shown = status["reblog"] or status
    is_host = shown["account"]["id"] in hosts
    if question and not asks and is_host:
        found = QUESTION_PREFIX.match(shown.get("content") or "")
        asks = found is not None and int(found.group(1)) == question
    return {
        "id": status["id"],
        "status": status,
        "shown": shown,
        "question": question,
        "asks": asks,
        "is_host": is_host,
        "is_repost": status["reblog"] is not None,
    }


def page_of_items(
    event: Event,
    viewer: Profile | None,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = PAGE_SIZE,
    question: int | None = None,
    hosts: set[int] | None = None,
) -> list[dict[str, Any]]:
    """A page of the room, newest first; `question`: only the answers to (and the
    post of) question number `question`, asked of the database."""
    rows = room_page(event, viewer, before=before, after=after, limit=limit, question=question)
    return room_items(event, rows, viewer, hosts=hosts)


def room_page(
    event: Event,
    viewer: Profile | None,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = PAGE_SIZE,
    question: int | None = None,
) -> list[Post]:
    """A page of the room, newest first: the event's ChatPost rows (replies without the
    hashtag included), posts with the hashtag in its window, and reposts of those, less
    hidden and deleted posts, reposts of hidden posts, the chat account's own boosts
    and the viewer's blocked and muted authors. One plain SQL query (posts.status_rows)
    that reads the event's own posts first: its cost follows the chat's size, not the
    table's. tests/chats/test_room_page_sql.py holds the same rules in the ORM."""
    linked = f"SELECT post_id FROM {ChatPost._meta.db_table} WHERE event_id = %s"
    tag = f"(SELECT id FROM {Hashtag._meta.db_table} WHERE name_lower = %s)"
    through = Post.hashtags.through._meta.db_table
    posts = Post._meta.db_table
    window = "x.created_at >= %s AND x.created_at < %s"
    # The event's linked posts and reposts of them, and the posts of its window (by the
    # created_at index: however long the hashtag's history) with the hashtag or
    # reposting a post with it.
    source = (
        f"SELECT post_id AS id FROM {ChatPost._meta.db_table} WHERE event_id = %s"
        f" UNION SELECT x.id FROM {posts} x WHERE x.repost_of_id IN ({linked})"
        f" UNION SELECT x.id FROM {posts} x WHERE {window} AND (EXISTS"
        f" (SELECT 1 FROM {through} t WHERE t.post_id = x.id AND t.hashtag_id = {tag})"
        f" OR (x.repost_of_id IS NOT NULL AND EXISTS (SELECT 1 FROM {through} t"
        f" WHERE t.post_id = x.repost_of_id AND t.hashtag_id = {tag})))"
    )
    adapt = connection.ops.adapt_datetimefield_value  # as the ORM sends a datetime
    start, end = adapt(event.starts_at), adapt(event.window_ends_at)
    key = event.series.hashtag_key
    source_params = [event.id, event.id, start, end, key, key]
    where = [status_rows.VISIBLE, "(p.repost_of_id IS NULL OR o.hidden_at IS NULL)"]
    params: list = [False]
    if event.series.account_id is not None:
        # The chat account's boosts carry the chat to other servers; the room shows
        # each post once.
        where.append("NOT (p.repost_of_id IS NOT NULL AND p.author_id = %s)")
        params.append(event.series.account_id)
    if viewer is not None:
        where.append(status_rows.BLOCKED_OR_MUTED)
        params += [viewer.id, viewer.id]
    if question is not None:
        answers = (
            f"SELECT c.post_id FROM {ChatPost._meta.db_table} c"
            f" JOIN {Question._meta.db_table} q ON q.id = c.question_id"
            " WHERE c.event_id = %s AND q.number = %s"
        )
        where.append(f"(p.id IN ({answers}) OR p.repost_of_id IN ({answers}))")
        params += [event.id, question, event.id, question]
    for value, test in ((before, "p.id < %s"), (after, "p.id > %s")):
        if value is not None:
            where.append(test)
            params.append(value)
    rows = status_rows.read(
        where,
        params,
        viewer=viewer.id if viewer is not None else None,
        order="p.id ASC" if after is not None else "p.id DESC",
        limit=limit,
        source=(source, source_params),
    )
    if after is not None:
        rows.reverse()
    return rows


@dataclass
class Moment:
    """Where the event stands: its state, the question pinned now and the next one."""

    state: str
    current: Question | None
    upcoming: Question | None
    upcoming_at: datetime | None
    questions: list[Question]

    def as_json(self) -> dict[str, Any]:
        def question(q: Question | None) -> dict[str, Any] | None:
            if q is None:
                return None
            return {
                "number": q.number,
                "kind": q.kind,
                "label": q.label,
                "text": q.text,
                "post_id": str(q.post_id) if q.post_id else None,
            }

        return {
            "state": self.state,
            "current": question(self.current),
            "next_at": self.upcoming_at.isoformat() if self.upcoming_at else None,
            "next_label": self.upcoming.label if self.upcoming else None,
        }


def moment(event: Event, now: datetime) -> Moment:
    questions = list(event.questions.all())
    posted = [q for q in questions if q.posted_at is not None]
    waiting = [q for q in questions if q.posted_at is None and not q.skipped_reason]
    current = max(posted, key=lambda q: (q.posted_at, q.offset_minutes)) if posted else None
    state = event.current_state(now)
    upcoming = waiting[0] if waiting and state in ("scheduled", "live") else None
    return Moment(
        state=state,
        current=current,
        upcoming=upcoming,
        upcoming_at=upcoming.due_at() if upcoming else None,
        questions=questions,
    )


ANSWER_PREFIX = re.compile(r"^\s*A\d+\b", re.IGNORECASE)


def compose_text(text: str, hashtag: str, answer: int | None = None) -> str:
    """What the room posts for `text`: "A<n> " in front when answering question n
    (unless it already starts with an answer label) and the hashtag at the end
    when the text lacks it. With JavaScript the box already holds both, so the
    text is posted exactly as typed; a reply is never given a label (the view
    passes no `answer` for replies)."""
    text = (text or "").strip()
    if not text:
        return ""
    if answer is not None and not ANSWER_PREFIX.match(text):
        text = f"A{answer} {text}"
    if tag_key(hashtag) not in {tag_key(t) for t in parsing.hashtags(text)}:
        text = f"{text} #{hashtag}"
    return text
