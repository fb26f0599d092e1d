"""Progress of long commands (demo, export, import, backup, restore) on a terminal.

The work reports through a plain callback, `report(stage, done, total)`, and knows
nothing of terminals. Here that becomes a bar per stage with an estimate of the
time left, drawn on standard error (standard output may carry an export), and only
when standard error is a terminal and `--quiet` was not given: in scripts and cron
jobs the commands print nothing but their result and errors.
"""

import sys
from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

Report = Callable[[str, int, int | None], None]


def silent(stage: str, done: int, total: int | None) -> None:
    """The report of work nobody watches."""


class Bars:
    """`with Bars(quiet) as report: work(report=report)`."""

    def __init__(self, quiet: bool = False, stream=None) -> None:
        stream = stream or sys.stderr
        self.enabled = not quiet and stream.isatty()
        self.console = Console(file=stream)
        self.progress: Progress | None = None
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> Report:
        if not self.enabled:
            return silent
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        self.progress.start()
        return self.report

    def report(self, stage: str, done: int, total: int | None) -> None:
        assert self.progress is not None
        task = self.tasks.get(stage)
        if task is None:
            task = self.tasks[stage] = self.progress.add_task(stage, total=total)
        self.progress.update(task, completed=done, total=total)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.progress is not None:
            self.progress.stop()
