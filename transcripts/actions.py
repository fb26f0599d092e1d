"""Writes about transcripts: the hosts' curation (hide, highlight, reorder, notes,
introduction), freezing when the tail window closes, and rebuilding on request.

The hosts are the logins that may act as the series' organiser profile or one of
its co-host profiles. Curation is keyed by post, so it survives a rebuild.
"""

import re
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from chats.models import Event, Question, Series
from chats.permissions import can_host
from core.errors import InvalidInput, NotAllowed, NotFound
from core.ids import parse_id
from live.publish import publish_on_commit
from posts.models import Post
from transcripts.building import CLOSING, build
from transcripts.models import GroupCuration, PostCuration, Transcript, TranscriptEntry
from transcripts.statistics import built_participants

MAX_NOTE = 5000
MAX_INTRODUCTION = 10000
GROUP_RE = re.compile(r"^(welcome|closing|after|q[1-9][0-9]?)$")
FREEZE_BATCH = 20


def can_curate(user: User | None, series: Series) -> bool:
    """The hosts of a series curate its transcripts."""
    return can_host(user, series)


def check_curate(user: User | None, series: Series) -> None:
    if not can_curate(user, series):
        raise NotAllowed(f"Only the hosts of #{series.hashtag} can curate its transcripts.")


def _changed(transcript: Transcript) -> None:
    Transcript.objects.filter(pk=transcript.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    publish_on_commit(
        f"event:{transcript.event_id}",
        {"type": "transcript.updated", "event_id": str(transcript.event_id)},
    )


def _transcript(event: Event) -> Transcript:
    transcript, _ = Transcript.objects.get_or_create(event=event)
    return transcript


def _post_id(value: int | str | None) -> int:
    if isinstance(value, int):
        return value
    number = parse_id(value)
    if number is None:
        raise InvalidInput("Choose a post of this transcript.", field="post")
    return number


def _member_post(event: Event, transcript: Transcript, post_id: int | str | None) -> Post:
    """The post, if it belongs to the transcript (a cheap check, not a full build)."""
    pid = _post_id(post_id)
    post = Post.objects.filter(pk=pid, repost_of__isnull=True).first()
    if post is None:
        raise NotFound("No such post.")
    if transcript.is_frozen:
        member = TranscriptEntry.objects.filter(transcript=transcript, post_id=pid).exists()
    else:
        member = event.starts_at <= post.created_at < event.window_ends_at and (
            post.author_id
            in {event.series.organiser_id, *event.series.cohosts.values_list("id", flat=True)}
            or Post.objects.filter(
                Q(hashtags__name_lower=event.series.hashtag_key),
                Q(id=post.thread_root_id or pid) | Q(thread_root_id=post.thread_root_id or pid),
                created_at__gte=event.starts_at,
                created_at__lt=event.window_ends_at,
            ).exists()
            or getattr(getattr(post, "chat", None), "event_id", None) == event.id
        )
    if not member:
        raise InvalidInput("That post is not part of this transcript.", field="post")
    return post


def mark_post(
    *,
    user: User,
    event: Event,
    post_id: int | str | None,
    hidden: bool | None = None,
    highlighted: bool | None = None,
) -> PostCuration:
    """Hide or show, highlight or unhighlight one post of the transcript."""
    check_curate(user, event.series)
    with transaction.atomic():
        transcript = _transcript(event)
        post = _member_post(event, transcript, post_id)
        mark, _ = PostCuration.objects.get_or_create(transcript=transcript, post=post)
        if hidden is not None:
            mark.hidden = hidden
        if highlighted is not None:
            mark.highlighted = highlighted
        mark.save(update_fields=["hidden", "highlighted"])
        _changed(transcript)
    return mark


def move_post(*, user: User, event: Event, post_id: int | str | None, direction: str) -> list[int]:
    """Move a thread one place up or down within its group; returns the new order."""
    check_curate(user, event.series)
    if direction not in ("up", "down"):
        raise InvalidInput("Move a post up or down.", field="direction")
    pid = _post_id(post_id)
    with transaction.atomic():
        transcript = _transcript(event)
        built = build(event)
        item = built.items.get(pid)
        group = built.group(item.group) if item is not None else None
        if item is None or group is None or item not in group.items:
            raise InvalidInput(
                "Only the first post of a thread can be moved within its group.", field="post"
            )
        order = [i.id for i in group.items]
        at = order.index(pid)
        to = at - 1 if direction == "up" else at + 1
        if 0 <= to < len(order):
            order[at], order[to] = order[to], order[at]
        row, _ = GroupCuration.objects.get_or_create(transcript=transcript, group=group.key)
        row.order = order
        row.save(update_fields=["order"])
        _changed(transcript)
    return order


def _check_group(event: Event, group: str) -> str:
    group = (group or "").strip().lower()
    if not GROUP_RE.match(group):
        raise InvalidInput("Choose a heading of this transcript.", field="group")
    if group.startswith("q"):
        exists = event.questions.filter(kind=Question.Kind.QUESTION, number=int(group[1:])).exists()
        if not exists:
            raise InvalidInput(f"This event has no question {group[1:]}.", field="group")
    if group == CLOSING and not event.questions.filter(kind=Question.Kind.CLOSING).exists():
        raise InvalidInput("This event has no closing post.", field="group")
    return group


def set_note(*, user: User, event: Event, group: str, note: str) -> GroupCuration:
    """The hosts' note under a heading (empty to remove it)."""
    check_curate(user, event.series)
    group = _check_group(event, group)
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"A note can have at most {MAX_NOTE} characters.", field="note")
    with transaction.atomic():
        transcript = _transcript(event)
        row, _ = GroupCuration.objects.get_or_create(transcript=transcript, group=group)
        row.note = note
        row.save(update_fields=["note"])
        _changed(transcript)
    return row


def set_introduction(*, user: User, event: Event, text: str) -> Transcript:
    check_curate(user, event.series)
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_INTRODUCTION:
        raise InvalidInput(
            f"An introduction can have at most {MAX_INTRODUCTION} characters.",
            field="introduction",
        )
    with transaction.atomic():
        transcript = _transcript(event)
        transcript.introduction = text
        transcript.save(update_fields=["introduction", "updated_at"])
        _changed(transcript)
    return transcript


def _store_snapshot(transcript: Transcript, event: Event) -> None:
    """Replace the stored membership with what the posts say now."""
    built = build(event, live=True)
    TranscriptEntry.objects.filter(transcript=transcript).delete()
    rows = [
        TranscriptEntry(transcript=transcript, post_id=i.id, group=i.group)
        for i in built.items.values()
    ]
    rows += [TranscriptEntry(transcript=transcript, post_id=r.id, group="") for r in built.reposts]
    TranscriptEntry.objects.bulk_create(rows, batch_size=2000)
    Transcript.objects.filter(pk=transcript.pk).update(
        participant_ids=sorted(built_participants(built))
    )


def freeze(event: Event, *, now: datetime | None = None) -> bool:
    """Freeze the transcript once the tail window has closed; True if this call did it.
    A conditional update claims it, so two workers never both freeze it."""
    now = now or timezone.now()
    if event.state == Event.State.DRAFT or event.window_ends_at > now:
        return False
    with transaction.atomic():
        transcript = _transcript(event)
        claimed = Transcript.objects.filter(pk=transcript.pk, frozen_at__isnull=True).update(
            frozen_at=now
        )
        if not claimed:
            return False
        _store_snapshot(transcript, event)
        _changed(transcript)
    return True


def freeze_due() -> int:
    """Periodic job: freeze the transcripts whose tail window has closed."""
    now = timezone.now()
    due = (
        Event.objects.filter(window_ends_at__lte=now)
        .exclude(state=Event.State.DRAFT)
        .filter(Q(transcript__isnull=True) | Q(transcript__frozen_at__isnull=True))
        .select_related("series")
        .order_by("window_ends_at")[:FREEZE_BATCH]
    )
    return sum(1 for event in list(due) if freeze(event, now=now))


def rebuild(*, user: User, event: Event) -> Transcript:
    """Rebuild from the posts as they are now (a host's request). A frozen transcript
    is frozen again with the new membership; the curation is kept."""
    check_curate(user, event.series)
    now = timezone.now()
    with transaction.atomic():
        transcript = _transcript(event)
        if event.window_ends_at <= now and event.state != Event.State.DRAFT:
            Transcript.objects.filter(pk=transcript.pk).update(frozen_at=now)
            _store_snapshot(transcript, event)
        else:
            TranscriptEntry.objects.filter(transcript=transcript).delete()
            Transcript.objects.filter(pk=transcript.pk).update(frozen_at=None, participant_ids=[])
        _changed(transcript)
    transcript.refresh_from_db()
    return transcript
