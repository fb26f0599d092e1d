"""`hashchat archive`: archive a chat held elsewhere from the command line, with a
progress bar on a terminal (a line per step otherwise)."""

import sys
from datetime import UTC, datetime
from typing import TextIO

from django.utils import timezone

from accounts.models import Membership, Profile
from chats import actions as chat_actions
from chats.models import Series
from chats.queries import series_by_hashtag
from core.errors import ActionError, InvalidInput
from gathering import archive as archives
from gathering.models import Archive


def parse_moment(value: str, field: str) -> datetime:
    """An ISO 8601 time; without an offset it is UTC."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"{value!r} is not a time like 2026-11-03T19:00+08:00.", field=field)
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def series_for(tag: str, organiser: str | None, starts_at: datetime) -> Series:
    """The hashtag's series here; made (a one-off, organised by `organiser`) when none."""
    series = series_by_hashtag(tag.lstrip("#"))
    if series is not None:
        return series
    if not organiser:
        raise InvalidInput(
            f"There is no series #{tag.lstrip('#')} here: name its organiser with --organiser.",
            field="organiser",
        )
    profile = Profile.objects.by_handle(organiser).filter(domain="").first()
    owner = (
        Membership.objects.filter(profile=profile, role=Membership.Role.OWNER)
        .select_related("user")
        .first()
        if profile
        else None
    )
    if profile is None or owner is None:
        raise InvalidInput(
            f"There is no local profile @{organiser.lstrip('@')}.", field="organiser"
        )
    return chat_actions.create_series(
        user=owner.user,
        organiser=profile,
        hashtag=tag,
        title=f"#{tag.lstrip('#')}",
        timezone="UTC",
        rrule="FREQ=DAILY;COUNT=1",
        start_date=starts_at.date(),
        start_time=starts_at.time().replace(second=0, microsecond=0, tzinfo=None),
    )


class Reporter:
    """Progress for a person: a rich bar on a terminal, plain lines elsewhere."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.bar = None
        self.last = ""
        if out.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=False
            )
            self.bar.start()
            self.task = self.bar.add_task("Reading timelines", total=None)

    def __call__(self, row: Archive) -> None:
        if self.bar is not None:
            if row.state == Archive.State.GATHERING:
                self.bar.update(
                    self.task,
                    description=f"Reading timelines ({row.pages_read} pages)",
                    completed=row.found,
                )
            else:
                self.bar.update(
                    self.task,
                    description="Bringing posts in",
                    total=max(row.found, 1),
                    completed=row.imported + row.skipped,
                )
            return
        line = (
            f"{row.state}: {row.pages_read} pages, {row.found} found, "
            f"{row.imported} in, {row.skipped} skipped"
        )
        every = row.state != Archive.State.IMPORTING or (row.imported + row.skipped) % 25 == 0
        if every and line != self.last:
            print(line, file=self.out)
            self.last = line

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def run(args, out: TextIO = sys.stderr) -> int:
    try:
        starts_at = parse_moment(args.start, "from")
        ends_at = parse_moment(args.end, "to")
        series = series_for(args.tag, args.organiser, starts_at)
        row = archives.request_archive(
            user=None,
            profile=None,
            series=series,
            starts_at=starts_at,
            ends_at=ends_at,
            host_acct=args.host,
            servers=args.server,
            topic=args.topic or "",
            system=True,
        )
    except ActionError as e:
        print(f"hashchat archive: {e.message}", file=out)
        return 2
    Archive.objects.filter(pk=row.pk).update(claimed_at=timezone.now())
    reporter = Reporter(out)
    try:
        done = archives.build(row, progress=reporter)
    finally:
        reporter.close()
    for problem in done.problems:
        print(f"problem: {problem}", file=out)
    print(
        f"{done.state}: {done.imported} posts, {done.questions} questions, "
        f"{done.skipped} skipped; event {done.event_id}",
        file=out,
    )
    if done.event_id:
        print(f"/chats/{series.hashtag}/events/{done.event_id}/transcript/")
    return 0 if done.state == Archive.State.DONE else 1
