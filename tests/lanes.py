"""Which lanes of the test suite did not run here, for `make test`'s summary.

The suite has lanes that need services: the whole suite again on PostgreSQL with
Redis (`.ci/run`'s scale-out lane), tests that start processes sharing Redis, and
tests that only mean something on PostgreSQL. Where a service is absent those
tests skip (CI fails instead); the summary names each lane that did not run, so a
green `make test` never hides them.
"""

import os
from collections.abc import Iterable

SERVICES = ("PostgreSQL", "Redis")
HOW = (
    "run the scale-out lane with DATABASE_URL=postgres://... REDIS_URL=redis://... "
    ".venv/bin/pytest, or .ci/run (which starts the services and fails without them)"
)


def skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr or "")


def missing_lanes(skipped: Iterable, environ=os.environ) -> list[str]:
    """Lines for the summary: one per service whose tests skipped, and one for the
    PostgreSQL lane when this run was on SQLite."""
    by_service: dict[str, list[str]] = {}
    reasons: dict[str, set[str]] = {}
    for report in skipped:
        reason = skip_reason(report)
        for service in SERVICES:
            if service.lower() in reason.lower():
                by_service.setdefault(service, []).append(report.nodeid)
                reasons.setdefault(service, set()).add(reason)
                break
    lines = []
    database = environ.get("DATABASE_URL", "")
    if not database.startswith(("postgres://", "postgresql://")):
        lines.append(
            "PostgreSQL lane: this run used SQLite (DATABASE_URL unset); the suite on "
            "PostgreSQL did not run"
        )
    for service in SERVICES:
        if service in by_service:
            count = len(by_service[service])
            why = "; ".join(sorted(reasons[service]))
            lines.append(f"{service} tests: {count} skipped ({why})")
    if lines:
        lines.append(f"to run them: {HOW}")
    return lines
