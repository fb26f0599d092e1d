"""Archiving a chat held elsewhere: a host names a hashtag, a time window, the
account that asked the questions and one or more Mastodon-API servers; hashchat
reads every public post with the hashtag in that window from each server's tag
timeline (gathering.timelines), brings each in once through its ActivityPub id
(federation.incoming.fetch_note: from its own server, signed, so a listing server
cannot change what its authors wrote) and files them under a new event of the
hashtag's series. Posts from that account that begin with Q1..Q5 become the event's
questions (a host can mark others later), so the transcript (grouping, statistics,
curation, exports) is built exactly as for a chat run here.

The worker builds queued archives (run_next); `hashchat archive` builds one at once.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Profile, User
from accounts.permissions import check_act_as
from chats.linking import answer_number, find_link, save_link
from chats.models import ChatPost, Event, Question, Series
from chats.permissions import check_host
from core.errors import Conflict, InvalidInput, NotFound
from federation import incoming
from gathering import timelines
from gathering.models import Archive
from posts.models import Post

logger = logging.getLogger("gathering.archive")

MAX_WINDOW = timedelta(days=7)
MAX_SERVERS = 10
STALE = timedelta(minutes=30)

Progress = Callable[[Archive], None]


def _clean_window(
    starts_at: datetime | None, ends_at: datetime | None
) -> tuple[datetime, datetime]:
    if starts_at is None:
        raise InvalidInput("Give the time the chat started.", field="starts_at")
    if ends_at is None:
        raise InvalidInput("Give the time the chat ended.", field="ends_at")
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise InvalidInput("Give the times with their timezone.", field="starts_at")
    if ends_at <= starts_at:
        raise InvalidInput("The end must come after the start.", field="ends_at")
    if ends_at - starts_at > MAX_WINDOW:
        raise InvalidInput("An archive covers at most seven days.", field="ends_at")
    if starts_at > timezone.now():
        raise InvalidInput("The chat must have started already.", field="starts_at")
    return starts_at, ends_at


def clean_servers(servers) -> list[str]:
    if isinstance(servers, str):
        servers = servers.replace(",", "\n").split()
    cleaned: list[str] = []
    for value in servers or []:
        try:
            url = timelines.base_url(str(value))
        except ValueError as e:
            raise InvalidInput(str(e), field="servers")
        if url not in cleaned:
            cleaned.append(url)
    if not cleaned:
        raise InvalidInput("Name at least one server to read.", field="servers")
    if len(cleaned) > MAX_SERVERS:
        raise InvalidInput(f"Name at most {MAX_SERVERS} servers.", field="servers")
    return cleaned


def clean_acct(value: str) -> str:
    acct = (value or "").strip().lstrip("@").lower()
    user, _, domain = acct.partition("@")
    if not user or not domain or "@" in domain or " " in acct:
        raise InvalidInput(
            "Name the account that asked the questions as user@server.", field="host_acct"
        )
    return acct


def request_archive(
    *,
    user: User | None,
    profile: Profile | None,
    series: Series,
    starts_at: datetime | None,
    ends_at: datetime | None,
    host_acct: str,
    servers,
    topic: str = "",
    system: bool = False,
) -> Archive:
    """Queue an archive of `series`' hashtag in the window, asked for by `profile`, a
    host of the series (`system`: the command line, acting as the server)."""
    if not system:
        if profile is None:
            raise InvalidInput("Act as a profile.", field="profile")
        check_act_as(user, profile)
        check_host(user, series)
    start, end = _clean_window(starts_at, ends_at)
    acct = clean_acct(host_acct)
    cleaned = clean_servers(servers)
    topic = (topic or "").strip()[:200] or f"Archive of #{series.hashtag}"
    overlapping = (
        Archive.objects.filter(series=series, starts_at__lt=end, ends_at__gt=start)
        .exclude(state=Archive.State.FAILED)
        .exists()
    )
    if overlapping:
        raise Conflict(
            f"#{series.hashtag} already has an archive of a chat in that window.",
            field="starts_at",
        )
    return Archive.objects.create(
        series=series,
        requested_by=profile,
        topic=topic,
        starts_at=start,
        ends_at=end,
        host_acct=acct,
        servers=cleaned,
    )


def _save(archive: Archive, progress: Progress | None, *fields: str) -> None:
    Archive.objects.filter(pk=archive.pk).update(
        **{f: getattr(archive, f) for f in fields}, updated_at=timezone.now()
    )
    if progress is not None:
        progress(archive)


def _make_event(archive: Archive, questions: list[tuple[int, timelines.Found]]) -> Event:
    """The event the archive fills: its window is the archive's; its questions are
    claimed already, so the scheduler never posts them."""
    now = timezone.now()
    with transaction.atomic():
        event = Event.objects.create(
            series=archive.series,
            topic=archive.topic,
            starts_at=archive.starts_at,
            ends_at=archive.ends_at,
            window_ends_at=archive.ends_at,
            questions_public=True,
            started_announced_at=now,
            ended_announced_at=now,
        )
        for position, (number, found) in enumerate(questions):
            minutes = int((found.created_at - archive.starts_at).total_seconds() // 60)
            Question.objects.create(
                event=event,
                kind=Question.Kind.QUESTION,
                number=number,
                text=found.text[:400],
                offset_minutes=max(minutes, 0),
                position=position,
                claimed_at=now,
                claimed_by="archive",
            )
        archive.event = event
        Archive.objects.filter(pk=archive.pk).update(event=event)
    return event


def _recognise(found: list[timelines.Found], acct: str) -> list[tuple[int, timelines.Found]]:
    """Q1..Qn from the named account, the first post for each number."""
    questions: dict[int, timelines.Found] = {}
    for item in found:
        number = timelines.question_number(item.text) if item.acct == acct else None
        if number is not None and number not in questions:
            questions[number] = item
    return sorted(questions.items())


def attach_question(event: Event, question: Question, post: Post) -> None:
    """`post` is the post that asked `question`: link it (and its ChatPost) so that
    answers and its thread group under it."""
    with transaction.atomic():
        Question.objects.filter(pk=question.pk).update(post=post, posted_at=post.created_at)
        ChatPost.objects.update_or_create(
            post=post, defaults={"event": event, "question": question, "via": "question"}
        )


def build(archive: Archive, progress: Progress | None = None) -> Archive:
    """Gather and import; the archive's counts move as it goes."""
    archive.state = Archive.State.GATHERING
    _save(archive, progress, "state")
    found: dict[str, timelines.Found] = {}
    for server in archive.servers:

        def on_page(count: int) -> None:
            archive.pages_read += 1
            _save(archive, progress, "pages_read")

        try:
            items = timelines.read_window(
                server, archive.series.hashtag, archive.starts_at, archive.ends_at, on_page
            )
        except timelines.TimelineError as e:
            archive.problems = [*archive.problems, f"{server}: {e}"]
            _save(archive, progress, "problems")
            continue
        for item in items:
            found.setdefault(item.uri, item)
        archive.found = len(found)
        _save(archive, progress, "found")
    ordered = sorted(found.values(), key=lambda f: (f.created_at, f.uri))
    if not ordered and archive.problems:
        archive.state = Archive.State.FAILED
        _save(archive, progress, "state")
        return archive
    questions = _recognise(ordered, archive.host_acct)
    event = _make_event(archive, questions)
    archive.state, archive.questions = Archive.State.IMPORTING, len(questions)
    _save(archive, progress, "state", "questions")
    asked = {found.uri: number for number, found in questions}
    # The questions first, so that answers and thread replies find them.
    first = [f for f in ordered if f.uri in asked] + [f for f in ordered if f.uri not in asked]
    for item in first:
        post = incoming.fetch_note(item.uri)
        if post is None or post.is_deleted:
            archive.skipped += 1
        else:
            archive.imported += 1
            if item.uri in asked:
                question = event.questions.get(number=asked[item.uri])
                attach_question(event, question, post)
            elif not ChatPost.objects.filter(post=post).exists():
                # Known before (it came by federation earlier): file it under the event.
                link = find_link(post)
                if link is not None and link[0].id == event.id:
                    with transaction.atomic():
                        save_link(post, link)
        _save(archive, progress, "imported", "skipped")
    archive.state = Archive.State.DONE
    _save(archive, progress, "state")
    return archive


def mark_question(*, user: User, event: Event, post: Post, number: int) -> Question:
    """A host marks `post` (of an archived event) as question `number`."""
    check_host(user, event.series)
    if not ChatPost.objects.filter(post=post, event=event).exists():
        raise NotFound("That post is not part of this event.")
    if not 1 <= number <= 99:
        raise InvalidInput("A question's number is 1 to 99.", field="number")
    question, _ = Question.objects.get_or_create(
        event=event,
        number=number,
        defaults={
            "kind": Question.Kind.QUESTION,
            "text": post.text[:400],
            "offset_minutes": max(
                0, int((post.created_at - event.starts_at).total_seconds() // 60)
            ),
            "claimed_at": timezone.now(),
            "claimed_by": "archive",
        },
    )
    attach_question(event, question, post)
    # What replies in its thread, and what answers AN, now belong to it.
    for link in ChatPost.objects.filter(event=event, question__isnull=True).select_related("post"):
        reply = link.post.thread_root_id == post.id and link.post_id != post.id
        if reply or answer_number(link.post.text) == number:
            ChatPost.objects.filter(pk=link.pk).update(question=question, via="host")
    return question


def run_next() -> int:
    """The worker: build the oldest queued archive (claimed once)."""
    now = timezone.now()
    Archive.objects.filter(
        state__in=[Archive.State.GATHERING, Archive.State.IMPORTING], claimed_at__lt=now - STALE
    ).update(state=Archive.State.FAILED, problems=["The worker building it stopped."])
    row = Archive.objects.filter(state=Archive.State.QUEUED).order_by("created_at").first()
    if row is None:
        return 0
    if not Archive.objects.filter(pk=row.pk, state=Archive.State.QUEUED).update(
        state=Archive.State.GATHERING, claimed_at=now
    ):
        return 0
    try:
        build(row)
    except Exception as e:  # recorded on the archive for the host to see
        logger.exception("archive %s failed", row.pk)
        Archive.objects.filter(pk=row.pk).update(
            state=Archive.State.FAILED, problems=[*row.problems, f"{e.__class__.__name__}: {e}"]
        )
    return 1
