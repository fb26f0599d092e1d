"""The worker's part in a chat: post each timed question exactly once, on time,
from the organiser profile, and announce the start and end on the event's stream.

Exactly once: a question is claimed with a conditional update
(`UPDATE ... SET claimed_at WHERE claimed_at IS NULL`), and the claim, the post
and the record of it are written in one transaction. A second worker's claim
changes no row, so it goes on to the next question; a crash before the commit
rolls the claim back with the post, so the next run posts it (late, with the
delay recorded) while the event is live. After the end nothing is posted: the
question is claimed with a skipped_reason instead.
"""

import logging
import os
import socket
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from chats import plans
from chats.models import Event, Question
from core import metrics
from live.publish import publish_on_commit
from posts.actions import create_post

logger = logging.getLogger("hashchat.chats.scheduler")

QUESTION_DELAY = metrics.histogram(
    "question_delay_seconds",
    "How long after its scheduled time each timed question was posted.",
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600),
)
ENDED_REASON = "The event had ended before the question could be posted."
PLACEHOLDER_REASON = "Never posted: it still read “Question N” (a placeholder) when it was due."


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def question_payload(question: Question) -> dict:
    return {
        "number": question.number,
        "kind": question.kind,
        "label": question.label,
        "text": question.text,
        "post_id": str(question.post_id) if question.post_id else None,
        "posted_at": question.posted_at.isoformat() if question.posted_at else None,
    }


def post_question(question: Question, *, now: datetime, worker: str) -> bool:
    """Claim and post `question`; False when another worker has it already, or
    when the event has ended (then it is recorded as skipped, never posted)."""
    event = question.event
    series = event.series
    if now >= event.ends_at:
        skip_question(question, now=now, worker=worker)
        return False
    if plans.is_placeholder(question.kind, question.text):
        skip_question(question, now=now, worker=worker, reason=PLACEHOLDER_REASON)
        return False
    with transaction.atomic():
        claimed = Question.objects.filter(pk=question.pk, claimed_at__isnull=True).update(
            claimed_at=now, claimed_by=worker
        )
        if claimed != 1:
            return False
        text = plans.post_text(question.kind, question.number, question.text, series.hashtag)
        post = create_post(
            user=None, profile=series.organiser, text=text, system=True, asks=question
        )
        question.claimed_at = now
        question.claimed_by = worker
        question.post = post
        question.posted_at = now
        question.delay_seconds = max(0.0, (now - question.due_at()).total_seconds())
        Question.objects.filter(pk=question.pk).update(
            post=post, posted_at=now, delay_seconds=question.delay_seconds
        )
        delay = question.delay_seconds
        transaction.on_commit(lambda: QUESTION_DELAY.observe(delay))
        publish_on_commit(
            f"event:{event.id}",
            {
                "type": "chat.question",
                "event_id": str(event.id),
                "question": question_payload(question),
            },
        )
    if question.delay_seconds and question.delay_seconds >= 60:
        logger.warning(
            "#%s %s posted %.0f s late", series.hashtag, question.label, question.delay_seconds
        )
    return True


def skip_question(
    question: Question, *, now: datetime, worker: str, reason: str = ENDED_REASON
) -> bool:
    """Record that `question` was never posted (its event ended first, or it was
    still a placeholder)."""
    return (
        Question.objects.filter(pk=question.pk, claimed_at__isnull=True).update(
            claimed_at=now, claimed_by=worker, skipped_reason=reason
        )
        == 1
    )


def _announce(event: Event, now: datetime) -> None:
    """chat.started / chat.ended once each, by whichever worker claims them first."""
    stream = f"event:{event.id}"
    base = {"event_id": str(event.id)}
    if event.started_announced_at is None and event.starts_at <= now:
        with transaction.atomic():
            live = now < event.ends_at
            changed = Event.objects.filter(pk=event.pk, started_announced_at__isnull=True).update(
                started_announced_at=now, **({"state": Event.State.LIVE} if live else {})
            )
            if changed and live:
                publish_on_commit(stream, {"type": "chat.started", **base})
    if event.ended_announced_at is None and event.ends_at <= now:
        with transaction.atomic():
            changed = Event.objects.filter(pk=event.pk, ended_announced_at__isnull=True).update(
                ended_announced_at=now, state=Event.State.ENDED
            )
            if changed:
                publish_on_commit(stream, {"type": "chat.ended", **base})


def run_due(now: datetime | None = None, worker: str | None = None) -> int:
    """Post what is due now; return how many posts were made."""
    now = now or timezone.now()
    worker = worker or default_worker_id()
    posted = 0
    events = (
        Event.objects.exclude(state=Event.State.DRAFT)
        .filter(starts_at__lte=now)
        .filter(
            Exists(Question.objects.filter(event=OuterRef("pk"), claimed_at__isnull=True))
            | Q(started_announced_at__isnull=True)
            | Q(ended_announced_at__isnull=True, ends_at__lte=now)
        )
        .select_related("series__organiser")
    )
    for event in events:
        due = [
            q
            for q in event.questions.filter(claimed_at__isnull=True).order_by(
                "offset_minutes", "position"
            )
            if q.due_at() <= now
        ]
        if due and event.started_announced_at is None:
            _announce(event, now)
            event.started_announced_at = now
        for question in due:
            question.event = event
            if now < event.ends_at:
                try:
                    posted += post_question(question, now=now, worker=worker)
                except Exception:
                    # Rolled back with its claim: the next run tries again.
                    logger.exception("could not post %s of event %s", question.label, event.pk)
            else:
                skip_question(question, now=now, worker=worker)
        _announce(event, now)
    archive(now)
    return posted


def archive(now: datetime) -> int:
    """Events past their tail window become archived (read first, so an idle
    worker takes no write lock)."""
    due = Event.objects.filter(window_ends_at__lte=now).exclude(
        state__in=[Event.State.DRAFT, Event.State.ARCHIVED]
    )
    if not due.exists():
        return 0
    return due.update(state=Event.State.ARCHIVED)


def lag(now: datetime | None = None) -> float:
    """Seconds the oldest due, unposted question of a live event has been waiting
    (0 when none waits): the scheduler's lag, for /metrics and `hashchat check`."""
    now = now or timezone.now()
    waiting = Question.objects.filter(
        claimed_at__isnull=True, event__starts_at__lte=now, event__ends_at__gt=now
    ).exclude(event__state=Event.State.DRAFT)
    oldest = 0.0
    for question in waiting.select_related("event")[:500]:
        due = question.due_at()
        if due <= now:
            oldest = max(oldest, (now - due).total_seconds())
    return oldest


def lag_metrics() -> list:
    return [
        metrics.gauge_family(
            "scheduler_lag_seconds",
            "How long the oldest due question of a live event has waited to be posted.",
            lag(),
        )
    ]
