"""Q/A linking: which event a post belongs to and which question it answers.

A post joins an event when, inside the event's window (its start to its end
plus the tail):
- it carries the series' hashtag; it answers question N when it begins with
  "AN" (A3, A3:, A3 -, a3., after any leading @mentions or hashtags);
- or it replies to a post of the event, with or without the hashtag; it then
  answers the question its parent answers (so anything in Q3's thread is about
  Q3), unless it begins with its own "AN";
- or it mentions the series' own account (@libchat, chats.accounts), with or
  without the hashtag.
The scheduler's own question posts are linked to the question they ask.
"""

import functools
import re
from collections.abc import Iterable
from typing import Any

from django.db import connection

from accounts.models import Profile
from chats.models import ChatPost, Event, Question, Series
from core.hashtags import tag_key
from core.sqlrows import Selection, in_list
from live.publish import publish_on_commit
from posts import parsing
from posts.models import Post

# "A3", "A3:", "A3 -", "a3.", "A3)" at the start, after leading @mentions/#tags.
LEAD_RE = re.compile(r"^(?:\s*[@#][\w@.]+)*\s*", re.UNICODE)
ANSWER_RE = re.compile(r"[Aa](\d{1,3})(?=$|[\s:.,;)\]\-–—])")


def answer_number(text: str) -> int | None:
    """The question number a post's "AN" prefix names, or None."""
    if not text:
        return None
    rest = text[LEAD_RE.match(text).end() :]  # type: ignore[union-attr]
    m = ANSWER_RE.match(rest)
    if m is None:
        return None
    number = int(m.group(1))
    return number if number > 0 else None


def _question(event: Event, number: int | None) -> Question | None:
    if number is None:
        return None
    return event.questions.filter(kind=Question.Kind.QUESTION, number=number).first()


def _parent_chat(post: Post) -> ChatPost | None:
    """The ChatPost of the post this one replies to, or of its thread's root."""
    ids = [i for i in (post.in_reply_to_id, post.thread_root_id) if i and i != post.id]
    if not ids:
        return None
    links = ChatPost.objects.filter(post_id__in=ids).select_related("event", "question")
    rows = {row.post_id: row for row in links}
    for i in ids:
        if i in rows:
            return rows[i]
    return None


@functools.cache
def _selections() -> tuple[Selection, Selection]:
    return Selection(Event, "e"), Selection(Question, "q")


def _event_by_hashtag(post: Post, number: int | None) -> tuple[Event, Question | None] | None:
    """The latest event whose window holds the post and whose series has one of its
    hashtags (Event.objects.in_window), with its question `number` (as `_question`),
    in one plain SQL query: every post with a hashtag asks this."""
    tags = [tag_key(t) for t in parsing.hashtags(post.text)]
    if not tags:
        return None
    event, question = _selections()
    named, params = in_list("s.hashtag_key", tags)
    moment = connection.ops.adapt_datetimefield_value(post.created_at)
    sql = (
        f"SELECT {event.sql}, {question.sql} FROM {Event._meta.db_table} e"
        f" JOIN {Series._meta.db_table} s ON s.id = e.series_id"
        f" LEFT JOIN {Question._meta.db_table} q ON q.event_id = e.id AND q.kind = %s"
        " AND q.number = %s"
        f" WHERE e.starts_at <= %s AND e.window_ends_at > %s AND NOT e.state = %s AND {named}"
        " ORDER BY e.starts_at DESC, q.offset_minutes, q.position, q.id LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [Question.Kind.QUESTION, number, moment, moment, Event.State.DRAFT, *params],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    found = event.instance(row, 0)
    asked = question.instance(row, event.width)
    if asked is not None:
        asked.event = found
    return found, asked


# (event, question answered or asked, how it was linked)
Link = tuple[Event, Question | None, str]


def _event_by_mention(post: Post, mentioned) -> Event | None:
    accounts = [p.id for p in mentioned if p.kind == Profile.Kind.CHAT and not p.domain]
    if not accounts:
        return None
    return (
        Event.objects.in_window(post.created_at)
        .filter(series__account_id__in=accounts)
        .order_by("-starts_at")
        .first()
    )


def find_link(post: Post, asks: Any = None, mentioned: Iterable[Profile] = ()) -> Link | None:
    """(event, question, via) for a new post, or None when it joins no event.
    `asks` is the question the scheduler posts (create_post's `asks`): its post
    is linked to it; `mentioned`: the profiles the post mentions (a post that
    mentions a chat's own account joins its live event). Registered as a
    posts.hooks hook (chats.apps)."""
    if isinstance(asks, Question) and post.author_id == asks.event.series.organiser_id:
        return asks.event, asks, "question"
    if post.is_repost or not post.text:
        return None
    number = answer_number(post.text)
    parent = _parent_chat(post)
    if parent is not None:
        event = parent.event
        if event.state != Event.State.DRAFT and (
            event.starts_at <= post.created_at < event.window_ends_at
        ):
            by_prefix = _question(event, number)
            if by_prefix is not None:
                return event, by_prefix, "prefix"
            return event, parent.question, "reply"
    by_tag = _event_by_hashtag(post, number)
    if by_tag is not None:
        tagged, by_prefix = by_tag
        return tagged, by_prefix, "prefix" if by_prefix else "hashtag"
    mentioning = _event_by_mention(post, mentioned)
    if mentioning is None:
        return None
    by_prefix = _question(mentioning, number)
    return mentioning, by_prefix, "prefix" if by_prefix else "mention"


def save_link(post: Post, found: Link | None) -> ChatPost | None:
    """Store what find_link found for a new post. posts.actions.create_post calls
    find_link before its write transaction and this inside it (posts.hooks)."""
    if found is None:
        return None
    event, question, via = found
    row = ChatPost.objects.create(post=post, event=event, question=question, via=via)
    if via != "question":
        # The scheduler announces its own posts as chat.question.
        publish_on_commit(
            f"event:{event.id}",
            {
                "type": "chat.post",
                "event_id": str(event.id),
                "post_id": str(post.id),
                "question": question.number if question else None,
            },
        )
    return row
