"""An event's whole plan at once: its question list (set_questions), and the event
with its questions saved together in one transaction (save_event), as the host's
event form sends them."""

from datetime import datetime
from typing import Any

from django.db import transaction

from accounts.models import User
from chats import plans
from chats.actions.events import (
    check_event_open,
    check_no_placeholders,
    duration_of,
    renumber,
    update_event,
)
from chats.models import Event, Question
from chats.permissions import check_host
from core.errors import Conflict, InvalidInput


def set_questions(*, user: User, event: Event, items: list) -> list[Question]:
    """Replace the event's plan: items with the id of a question update it, items
    without add one, and questions left out are removed. Questions already posted
    must be left out or come back unchanged."""
    series = event.series
    check_host(user, series)
    if not isinstance(items, list):
        raise InvalidInput("questions is a list.", field="questions")
    existing = {q.pk: q for q in event.questions.all()}
    duration = duration_of(event)
    wanted: list[tuple[Question | None, str, str, int]] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise InvalidInput("Each question is an object with kind, text and offset.")
        qid = item.get("id")
        question = None
        if qid not in (None, ""):
            try:
                question = existing.get(int(qid))
            except (TypeError, ValueError):
                question = None
            if question is None:
                raise InvalidInput(f"Question {index + 1}: no question {qid} in this event.")
        try:
            kind, text, offset = plans.clean_item(
                item.get("kind", question.kind if question else "question"),
                item.get("text", question.text if question else ""),
                item.get(
                    "offset",
                    item.get("offset_minutes", question.offset_minutes if question else None),
                ),
                duration,
                series.hashtag,
            )
        except InvalidInput as e:
            raise InvalidInput(f"Question {index + 1}: {e.message}", field="questions")
        if question is not None and question.claimed_at is not None:
            before = (question.kind, question.text, question.offset_minutes)
            if (kind, text, offset) != before:
                raise Conflict(
                    f"{question.label} has already been posted; it can no longer be changed."
                )
        wanted.append((question, kind, text, offset))
    kept = {q.pk for q, *_ in wanted if q is not None}
    changes_unposted = any(q is None or q.claimed_at is None for q, *_ in wanted) or any(
        q.claimed_at is None for pk, q in existing.items() if pk not in kept
    )
    if changes_unposted:
        check_event_open(event)
    if event.state != Event.State.DRAFT:
        check_no_placeholders(
            [
                {"kind": k, "text": t, "offset": o}
                for q, k, t, o in wanted
                if q is None or not q.claimed_at
            ]
        )
    with transaction.atomic():
        Question.objects.filter(event=event, claimed_at__isnull=True).exclude(pk__in=kept).delete()
        for position, (question, kind, text, offset) in enumerate(wanted):
            if question is None:
                Question.objects.create(
                    event=event, kind=kind, text=text, offset_minutes=offset, position=position
                )
            elif question.claimed_at is None:
                updated = Question.objects.filter(pk=question.pk, claimed_at__isnull=True).update(
                    kind=kind, text=text, offset_minutes=offset, position=position
                )
                if not updated:
                    raise Conflict(f"{question.label} has just been posted; try again.")
        renumber(event)
    return list(event.questions.all())


def save_event(
    *,
    user: User,
    event: Event,
    questions: list,
    topic: str | None = None,
    description: str | None = None,
    starts_at: datetime | None = None,
    questions_public: bool | None = None,
    state: str | None = None,
) -> Event:
    """Save an event and its questions together (the host's one form): both are
    written or neither is. `questions` is as for set_questions."""
    check_host(user, event.series)
    fields: dict[str, Any] = {
        "topic": topic,
        "description": description,
        "starts_at": starts_at,
        "questions_public": questions_public,
        "state": state,
    }
    with transaction.atomic():
        if state == Event.State.DRAFT:
            # A draft may hold placeholders: become one before the questions change.
            update_event(user=user, event=event, **fields)
            set_questions(user=user, event=event, items=questions)
        else:
            set_questions(user=user, event=event, items=questions)
            update_event(user=user, event=event, **fields)
    return event
