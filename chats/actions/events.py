"""Plan events (one occurrence of a series, with its topic and timed questions)
and edit their questions. A question that has been claimed for posting can no
longer be changed."""

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from chats import plans, recurrence
from chats.actions.series import _set_event_start
from chats.models import Event, OccurrenceChange, Question, Series
from chats.permissions import check_host
from core.errors import Conflict, InvalidInput

HOST_STATES = (Event.State.DRAFT, Event.State.SCHEDULED)


def _clean_topic(value: Any) -> str:
    topic = str(value or "").strip()
    if not topic:
        raise InvalidInput("An event needs a topic.", field="topic")
    if len(topic) > 200:
        raise InvalidInput("A topic can have at most 200 characters.", field="topic")
    return topic


def _clean_description(value: Any) -> str:
    text = str(value or "").strip()
    if len(text) > 5000:
        raise InvalidInput("A description can have at most 5000 characters.", field="description")
    return text


def _resolve_start(
    series: Series, starts_at: datetime | None, occurrence_start: datetime | None
) -> tuple[datetime, datetime | None]:
    """(the event's start, the occurrence of the rule it is, if any)."""
    if occurrence_start is None and starts_at is None:
        raise InvalidInput("Choose an occurrence or give a start time.", field="starts_at")
    for value in (starts_at, occurrence_start):
        if value is not None and timezone.is_naive(value):
            raise InvalidInput("A start time needs a timezone offset.", field="starts_at")
        if value is not None:
            recurrence.check_date(value, "starts_at", "The start")
    if occurrence_start is None and starts_at is not None:
        # A start at one of the rule's occurrences is that occurrence.
        if recurrence.is_occurrence(series, starts_at):
            occurrence_start = starts_at
        else:
            moved = OccurrenceChange.objects.filter(series=series, new_start=starts_at).first()
            if moved is not None:
                occurrence_start = moved.original_start
    if occurrence_start is not None:
        if not recurrence.is_occurrence(series, occurrence_start):
            raise InvalidInput(
                f"#{series.hashtag} has no occurrence at {occurrence_start.isoformat()}.",
                field="occurrence_start",
            )
        change = OccurrenceChange.objects.filter(
            series=series, original_start=occurrence_start
        ).first()
        if change is not None and change.new_start is None:
            raise InvalidInput("That occurrence is skipped.", field="occurrence_start")
        if starts_at is None:
            starts_at = change.new_start if change is not None else occurrence_start
    assert starts_at is not None
    return starts_at, occurrence_start


def create_event(
    *,
    user: User,
    series: Series,
    topic: str,
    starts_at: datetime | None = None,
    occurrence_start: datetime | None = None,
    description: str = "",
    questions: list | None = None,
    questions_public: bool | None = None,
    draft: bool = False,
) -> Event:
    """Plan an event of `series`: at one of its occurrences, or at `starts_at` (an
    extra one-off). `questions` is a plan ([{"kind", "text", "offset"}...]); the
    series' default plan when None. An event is scheduled only when none of its
    questions is a placeholder ("Question N"): given ones are refused, and the
    standard plan's make it a draft."""
    check_host(user, series)
    topic = _clean_topic(topic)
    description = _clean_description(description)
    starts_at, occurrence_start = _resolve_start(series, starts_at, occurrence_start)
    ends_at = starts_at + series.duration
    if ends_at <= timezone.now():
        raise InvalidInput("That time has already passed.", field="starts_at")
    plan = plans.clean_plan(
        questions if questions is not None else plans.default_plan(series.default_plan),
        series.duration_minutes,
        series.hashtag,
    )
    if not draft:
        if questions is None and plans.placeholder_labels(plan):
            # The standard plan's "Question N" stand-ins: a draft until they are written.
            draft = True
        else:
            check_no_placeholders(plan)
    if (
        occurrence_start is not None
        and Event.objects.filter(series=series, occurrence_start=occurrence_start).exists()
    ):
        raise Conflict("An event is already planned for that occurrence.", field="starts_at")
    try:
        with transaction.atomic():
            event = Event.objects.create(
                series=series,
                topic=topic,
                description=description,
                starts_at=starts_at,
                ends_at=ends_at,
                window_ends_at=ends_at + series.tail,
                occurrence_start=occurrence_start,
                state=Event.State.DRAFT if draft else Event.State.SCHEDULED,
                questions_public=(
                    series.questions_public if questions_public is None else questions_public
                ),
            )
            number = 0
            for position, item in enumerate(plan):
                if item["kind"] == "question":
                    number += 1
                Question.objects.create(
                    event=event,
                    kind=item["kind"],
                    number=number if item["kind"] == "question" else None,
                    text=item["text"],
                    offset_minutes=item["offset"],
                    position=position,
                )
    except IntegrityError:
        raise Conflict("An event is already planned for that occurrence.", field="starts_at")
    return event


def start_problems(
    series: Series,
    *,
    starts_at: datetime | None,
    occurrence_start: datetime | None = None,
    event: Event | None = None,
) -> dict[str, str]:
    """What is wrong with an event's start, by field ("starts_at" or
    "occurrence_start"; {} when nothing), checked as create_event (or, for an
    `event` that moves, update_event) checks it, so that a form can show it with
    its other mistakes in one go."""
    try:
        if event is None:
            starts_at, occurrence_start = _resolve_start(series, starts_at, occurrence_start)
            taken = Event.objects.filter(series=series, occurrence_start=occurrence_start)
            if occurrence_start is not None and taken.exists():
                raise Conflict(
                    "An event is already planned for that occurrence.", field="starts_at"
                )
        elif starts_at is not None and starts_at != event.starts_at:
            if timezone.is_naive(starts_at):
                raise InvalidInput("A start time needs a timezone offset.", field="starts_at")
            recurrence.check_date(starts_at, "starts_at", "The start")
            if _has_claims(event):
                raise Conflict("This event has begun posting; it cannot move.", field="starts_at")
        else:
            return {}
        if starts_at + series.duration <= timezone.now():
            raise InvalidInput("That time has already passed.", field="starts_at")
    except (InvalidInput, Conflict) as e:
        return {e.field or "starts_at": e.message}
    return {}


def check_no_placeholders(plan: list) -> None:
    """An event to be scheduled has no question still reading "Question N"."""
    labels = plans.placeholder_labels(plan)
    if labels:
        raise InvalidInput(plans.placeholder_message(labels), field="questions")


def plan_of(event: Event) -> list[dict[str, Any]]:
    return [
        {"kind": q.kind, "text": q.text, "offset": q.offset_minutes} for q in event.questions.all()
    ]


def _check_placeholder_text(event: Event, kind: str, text: str) -> None:
    if event.state != Event.State.DRAFT and plans.is_placeholder(kind, text):
        raise InvalidInput(
            "A scheduled event's questions cannot be placeholders (“Question N”): "
            "write the question, or make the event a draft first.",
            field="text",
        )


def _has_claims(event: Event) -> bool:
    return event.questions.filter(claimed_at__isnull=False).exists()


def update_event(
    *,
    user: User,
    event: Event,
    topic: str | None = None,
    description: str | None = None,
    starts_at: datetime | None = None,
    questions_public: bool | None = None,
    state: str | None = None,
) -> Event:
    """Change an event's topic, description, start, question visibility, or move it
    between draft and scheduled. Live, ended and archived follow the clock."""
    series = event.series
    check_host(user, series)
    fields: list[str] = []
    if topic is not None:
        event.topic = _clean_topic(topic)
        fields.append("topic")
    if description is not None:
        event.description = _clean_description(description)
        fields.append("description")
    if questions_public is not None:
        event.questions_public = bool(questions_public)
        fields.append("questions_public")
    if state is not None and state != event.state:
        if state not in HOST_STATES:
            raise InvalidInput(
                "A host can set an event to draft or scheduled; "
                "live, ended and archived follow the clock.",
                field="state",
            )
        if event.state not in HOST_STATES or _has_claims(event):
            raise Conflict("This event has begun; its state follows the clock.", field="state")
        if state == Event.State.SCHEDULED:
            check_no_placeholders(plan_of(event))
        event.state = state
        fields.append("state")
    move_to = None
    if starts_at is not None and starts_at != event.starts_at:
        if timezone.is_naive(starts_at):
            raise InvalidInput("A start time needs a timezone offset.", field="starts_at")
        recurrence.check_date(starts_at, "starts_at", "The start")
        if _has_claims(event):
            raise Conflict("This event has begun posting; it cannot move.", field="starts_at")
        if starts_at + series.duration <= timezone.now():
            raise InvalidInput("That time has already passed.", field="starts_at")
        move_to = starts_at
    with transaction.atomic():
        if fields:
            event.save(update_fields=fields)
        if move_to is not None:
            if event.occurrence_start is not None:
                OccurrenceChange.objects.update_or_create(
                    series=series,
                    original_start=event.occurrence_start,
                    defaults={"new_start": move_to},
                )
            _set_event_start(event, move_to)
    return event


def delete_event(*, user: User, event: Event) -> None:
    check_host(user, event.series)
    if _has_claims(event):
        raise Conflict("This event has begun posting; it cannot be deleted.")
    event.delete()


def _check_editable(question: Question) -> None:
    if question.claimed_at is not None or question.post_id is not None:
        raise Conflict(f"{question.label} has already been posted; it can no longer be changed.")


def check_event_open(event: Event) -> None:
    if timezone.now() >= event.ends_at:
        raise Conflict("This event has ended; its questions can no longer change.")


def renumber(event: Event) -> None:
    """Positions follow time order; questions are numbered 1..n in that order. A
    question already posted keeps its number, or the change is refused."""
    questions = list(event.questions.order_by("offset_minutes", "position", "id"))
    number = 0
    wanted: list[tuple[Question, int, int | None]] = []
    for position, q in enumerate(questions):
        new_number = None
        if q.kind == Question.Kind.QUESTION:
            number += 1
            new_number = number
        if q.claimed_at is not None and q.number != new_number:
            raise Conflict(f"{q.label} has already been posted; this change would renumber it.")
        wanted.append((q, position, new_number))
    Question.objects.filter(event=event, claimed_at__isnull=True).update(number=None)
    for q, position, new_number in wanted:
        Question.objects.filter(pk=q.pk).update(position=position, number=new_number)


def add_question(
    *, user: User, event: Event, text: str, offset: Any, kind: str = "question"
) -> Question:
    series = event.series
    check_host(user, series)
    check_event_open(event)
    kind, text, offset = plans.clean_item(kind, text, offset, duration_of(event), series.hashtag)
    _check_placeholder_text(event, kind, text)
    with transaction.atomic():
        last = event.questions.order_by("-position").first()
        question = Question.objects.create(
            event=event,
            kind=kind,
            text=text,
            offset_minutes=offset,
            position=(last.position + 1) if last else 0,
        )
        renumber(event)
    question.refresh_from_db()
    return question


def duration_of(event: Event) -> int:
    return int((event.ends_at - event.starts_at).total_seconds() // 60)


def update_question(
    *,
    user: User,
    question: Question,
    text: str | None = None,
    offset: Any = None,
    kind: str | None = None,
) -> Question:
    event = question.event
    check_host(user, event.series)
    _check_editable(question)
    check_event_open(event)
    kind, text, offset = plans.clean_item(
        kind if kind is not None else question.kind,
        text if text is not None else question.text,
        offset if offset is not None else question.offset_minutes,
        duration_of(event),
        event.series.hashtag,
    )
    _check_placeholder_text(event, kind, text)
    with transaction.atomic():
        # Claim-aware write: a question claimed meanwhile is left alone.
        updated = Question.objects.filter(pk=question.pk, claimed_at__isnull=True).update(
            kind=kind, text=text, offset_minutes=offset
        )
        if not updated:
            raise Conflict(f"{question.label} has already been posted; it can no longer change.")
        renumber(event)
    question.refresh_from_db()
    return question


def delete_question(*, user: User, question: Question) -> None:
    event = question.event
    check_host(user, event.series)
    _check_editable(question)
    with transaction.atomic():
        deleted, _ = Question.objects.filter(pk=question.pk, claimed_at__isnull=True).delete()
        if not deleted:
            raise Conflict(f"{question.label} has already been posted; it can no longer change.")
        renumber(event)


def move_question(*, user: User, question: Question, direction: str) -> Question:
    """Move a question one place earlier ("up") or later ("down"): it swaps its time
    slot with its neighbour, and the questions are renumbered."""
    event = question.event
    check_host(user, event.series)
    if direction not in ("up", "down"):
        raise InvalidInput("Move a question up or down.", field="direction")
    _check_editable(question)
    check_event_open(event)
    ordered = list(event.questions.order_by("offset_minutes", "position", "id"))
    index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(ordered):
        return question
    other = ordered[other_index]
    _check_editable(other)
    with transaction.atomic():
        for q, twin in ((question, other), (other, question)):
            updated = Question.objects.filter(pk=q.pk, claimed_at__isnull=True).update(
                offset_minutes=twin.offset_minutes, position=twin.position
            )
            if not updated:
                raise Conflict(f"{q.label} has already been posted; it can no longer change.")
        renumber(event)
    question.refresh_from_db()
    return question
