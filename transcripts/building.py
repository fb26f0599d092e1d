"""Building a transcript: which posts belong to an event, grouped by question,
as threads, with the hosts' curation applied.

Membership (while the transcript still follows late posts):
- the posts with the series' hashtag made inside the event's window (start to
  end plus the tail), and the posts chats.linking linked to the event;
- the hosts' (organiser and co-hosts) own posts inside the window;
- every reply, inside the window, below a member post, with or without the hashtag.
Reposts of member posts made inside the window are counted, never repeated.
Deleted posts, posts hidden by a moderator and posts of suspended profiles are
left out (their replies move up to the nearest ancestor that remains).

Once frozen (see transcripts.actions.freeze), the membership and the grouping
come from the stored TranscriptEntry rows instead, so later posts change nothing.

The whole build costs a fixed number of queries whatever the number of posts.
"""

from __future__ import annotations

import bisect

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from accounts.models import Profile
from chats.linking import answer_number
from chats.models import Event, Question, Series
from chats.permissions import host_profile_ids
from posts.models import Hashtag, Post
from transcripts.contents import Built, Group, Item, Repost
from transcripts.models import GroupCuration, PostCuration, Transcript, TranscriptEntry

WELCOME = "welcome"
CLOSING = "closing"
AFTER = "after"

POST_FIELDS = (
    "id",
    "author_id",
    "author__handle",
    "author__display_name",
    "author__location",
    "author__exclude_from_transcripts",
    "text",
    "html",
    "spoiler_text",
    "created_at",
    "edited_at",
    "gone",
    "in_reply_to_id",
    "thread_root_id",
    "repost_of_id",
    "like_count",
    "repost_count",
    "reply_count",
    "chat__event_id",
    "chat__question_id",
    "local",
    "url",
    "uri",
)

# Deleted, hidden by a moderator, or by a suspended profile: not in the transcript.
GONE = ExpressionWrapper(
    Q(deleted_at__isnull=False) | Q(hidden_at__isnull=False) | Q(author__is_suspended=True),
    output_field=BooleanField(),
)

REPOST_FIELDS = (
    "id",
    "author_id",
    "author__handle",
    "author__location",
    "author__exclude_from_transcripts",
    "created_at",
    "repost_of_id",
    "gone",
)


def _tag_id(series: Series) -> int | None:
    return (
        Hashtag.objects.filter(name_lower=series.hashtag_key).values_list("id", flat=True).first()
    )


def _live_rows(event: Event, series: Series, hosts: set[int]) -> tuple[list[dict], list[dict]]:
    """The member posts (id order) and the reposts of any candidate, from the posts."""
    start, end = event.starts_at, event.window_ends_at
    in_window = Q(created_at__gte=start, created_at__lt=end)
    tag_id = _tag_id(series)
    cond = Q(author_id__in=hosts) | Q(chat__event_id=event.id)
    seed: set[int] = set()
    if tag_id is not None:
        tagged = Post.hashtags.through.objects.filter(
            hashtag_id=tag_id, post__created_at__gte=start, post__created_at__lt=end
        )
        seed = set(tagged.values_list("post_id", flat=True))
        cond |= Q(id__in=tagged.values("post_id")) | Q(
            thread_root_id__in=Post.objects.filter(in_window, hashtags__id=tag_id).values(
                "thread_root_id"
            )
        )
    candidates = Post.objects.filter(in_window, repost_of__isnull=True).filter(cond)
    rows = list(candidates.order_by("id").annotate(gone=GONE).values(*POST_FIELDS))
    members: list[dict] = []
    member_ids: set[int] = set()
    for row in rows:
        if (
            row["id"] in seed
            or row["author_id"] in hosts
            or row["chat__event_id"] == event.id
            or row["in_reply_to_id"] in member_ids
        ):
            member_ids.add(row["id"])
            members.append(row)
    # Reposts inside the window of posts made inside the window (members are among them).
    reposts = list(
        Post.objects.filter(
            in_window,
            repost_of__created_at__gte=start,
            repost_of__created_at__lt=end,
            deleted_at__isnull=True,
        )
        # A series' own account boosts every post of its chat: that is not a reader's repost.
        .exclude(author__kind=Profile.Kind.CHAT)
        .order_by("id")
        .annotate(gone=GONE)
        .values(*REPOST_FIELDS)
    )
    return members, [r for r in reposts if r["repost_of_id"] in member_ids]


def _frozen_rows(transcript: Transcript) -> tuple[list[dict], list[dict], dict[int, str]]:
    entries = TranscriptEntry.objects.filter(transcript=transcript)
    stored = dict(entries.values_list("post_id", "group"))
    rows = list(
        Post.objects.filter(id__in=entries.values("post_id"))
        .order_by("id")
        .annotate(gone=GONE)
        .values(*POST_FIELDS)
    )
    members = [r for r in rows if r["repost_of_id"] is None]
    reposts = [r for r in rows if r["repost_of_id"] is not None and not r["gone"]]
    return members, reposts, stored


def group_key(question: Question) -> str:
    if question.kind == Question.Kind.WELCOME:
        return WELCOME
    if question.kind == Question.Kind.CLOSING:
        return CLOSING
    return f"q{question.number}"


def load_transcript(event: Event) -> Transcript:
    """The event's transcript row, or an unsaved one (no curation yet)."""
    return Transcript.objects.filter(event=event).first() or Transcript(event=event)


def build(event: Event, *, live: bool = False) -> Built:
    """The transcript of `event`. live=True ignores a frozen snapshot (for rebuilding)."""
    series = event.series
    hosts = host_profile_ids(series)
    transcript = load_transcript(event)
    questions = list(event.questions.all())
    stored: dict[int, str] = {}
    frozen = transcript.is_frozen and not live
    if frozen:
        members, repost_rows, stored = _frozen_rows(transcript)
    else:
        members, repost_rows = _live_rows(event, series, hosts)

    marks = {}
    notes: dict[str, GroupCuration] = {}
    if transcript.pk:
        marks = {m.post_id: m for m in PostCuration.objects.filter(transcript=transcript)}
        notes = {g.group: g for g in GroupCuration.objects.filter(transcript=transcript)}

    items = _make_items(members, hosts)
    _place(event, questions, items, members, stored, marks)
    groups = _groups(event, questions, items, notes)
    reposts = []
    for r in repost_rows:
        target = items.get(r["repost_of_id"])
        if target is None or r["gone"]:
            continue
        target.reposts += 1
        reposts.append(
            Repost(
                id=r["id"],
                author_id=r["author_id"],
                handle=r["author__handle"],
                location=r["author__location"],
                withheld=r["author__exclude_from_transcripts"],
                created_at=r["created_at"],
                target_id=target.id,
            )
        )
    return Built(event, series, transcript, questions, groups, items, reposts, hosts, frozen)


def _make_items(members: list[dict], hosts: set[int]) -> dict[int, Item]:
    items: dict[int, Item] = {}
    gone: dict[int, int | None] = {}
    for r in members:
        if r["gone"]:
            gone[r["id"]] = r["in_reply_to_id"]
            continue
        item = Item(
            id=r["id"],
            author_id=r["author_id"],
            handle=r["author__handle"],
            name=r["author__display_name"] or r["author__handle"],
            location=r["author__location"],
            withheld=r["author__exclude_from_transcripts"],
            is_host=r["author_id"] in hosts,
            text=r["text"],
            html=r["html"],
            created_at=r["created_at"],
            edited_at=r["edited_at"],
            in_reply_to_id=r["in_reply_to_id"],
            thread_root_id=r["thread_root_id"],
            like_count=r["like_count"],
            repost_count=r["repost_count"],
            reply_count=r["reply_count"],
            original_url="" if r["local"] else (r["url"] or r["uri"] or ""),
            spoiler_text=r["spoiler_text"],
        )
        parent_id = r["in_reply_to_id"]
        while parent_id in gone:
            parent_id = gone[parent_id]
        item.parent = items.get(parent_id) if parent_id is not None else None
        items[item.id] = item
    return items


def _place(
    event: Event,
    questions: list[Question],
    items: dict[int, Item],
    members: list[dict],
    stored: dict[int, str],
    marks: dict,
) -> None:
    """Give every item its group and its place in its thread; apply hide and highlight."""
    by_post = {q.post_id: q for q in questions if q.post_id}
    by_id = {q.id: q for q in questions}
    by_number = {q.number: q for q in questions if q.kind == Question.Kind.QUESTION}
    asked = sorted((q.posted_at, group_key(q)) for q in questions if q.posted_at)
    asked_times = [a[0] for a in asked]
    linked = {r["id"]: r["chat__question_id"] for r in members if r["chat__event_id"] == event.id}

    for item in items.values():  # id order: parents come before their replies
        mark = marks.get(item.id)
        if mark is not None:
            item.hidden, item.highlighted = mark.hidden, mark.highlighted
        question = by_post.get(item.id)
        if question is not None:
            item.heading_of = item.group = group_key(question)
            item.parent = None
            continue
        parent = item.parent
        if parent is not None and not parent.heading_of:
            item.group = parent.group
            item.omitted = item.hidden or parent.omitted
            parent.children.append(item)
            continue
        item.omitted = item.hidden
        if item.id in stored:
            item.group = stored[item.id]
        elif parent is not None:
            item.group = parent.heading_of
        elif linked.get(item.id) in by_id:
            item.group = group_key(by_id[linked[item.id]])
        elif (number := answer_number(item.text)) in by_number:
            item.group = group_key(by_number[number])
        elif item.created_at >= event.ends_at:
            item.group = AFTER
        else:
            at = bisect.bisect_right(asked_times, item.created_at)
            item.group = asked[at - 1][1] if at else WELCOME


def _groups(
    event: Event, questions: list[Question], items: dict[int, Item], notes: dict
) -> list[Group]:
    ended = timezone.now() >= event.ends_at
    groups: dict[str, Group] = {}

    def add(key: str, label: str, title: str, question: Question | None = None) -> None:
        note = notes.get(key)
        groups[key] = Group(key, label, title, question, None, note=note.note if note else "")

    welcome = next((q for q in questions if q.kind == Question.Kind.WELCOME), None)
    add(WELCOME, "Welcome", "Welcome and introductions", welcome)
    numbered = sorted(
        (q for q in questions if q.kind == Question.Kind.QUESTION), key=lambda q: q.number or 0
    )
    for q in numbered:
        shown = q.posted_at is not None or ended or event.questions_public
        add(group_key(q), q.label, f"{q.label}: {q.text}" if shown else q.label, q)
    closing = next((q for q in questions if q.kind == Question.Kind.CLOSING), None)
    if closing is not None:
        add(CLOSING, "Closing", "Closing", closing)
    add(AFTER, "After the hour", "After the hour")

    for item in items.values():
        group = groups.get(item.group)
        if group is None:  # a stored group whose question was since removed
            group = groups[AFTER]
            item.group = AFTER
        if item.heading_of:
            group.heading = item
        elif item.parent is None or item.parent.heading_of:
            group.items.append(item)
    for key, group in groups.items():
        order = notes[key].order if key in notes else []
        if order:
            rank = {post_id: i for i, post_id in enumerate(order)}
            group.items.sort(key=lambda i: (rank.get(i.id, len(rank)), i.id))
    return [g for g in groups.values() if g.items or g.heading or g.note or g.question is not None]


def thread_size(item: Item) -> int:
    size, stack = 0, [item]
    while stack:
        node = stack.pop()
        size += 1
        stack.extend(node.children)
    return size
